package dev.thaw.mcp.wiring;

import dev.thaw.app.Services;
import dev.thaw.inject.InjectionMode;
import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.OutputPage;
import dev.thaw.inject.ProgressSink;
import dev.thaw.inject.ThreadChoice;
import dev.thaw.replay.rerun.InjectionRunner;
import dev.thaw.replay.rerun.InjectionRunnerProvider;
import dev.thaw.session.RecordedInjectionRequest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code thaw replay --rerun} on the real injection engine: runs one (already approved and recorded)
 * request and collects its whole output.
 */
public final class EngineInjectionRunner implements InjectionRunner {

    private static final int PAGE = 1 << 20;

    private final InjectionService engine;

    public EngineInjectionRunner(InjectionService engine) {
        this.engine = engine;
    }

    /** Registered in META-INF/services, so the CLI finds the engine when this build has one. */
    public static final class Provider implements InjectionRunnerProvider {
        @Override
        public InjectionRunner create(Services services) {
            return new EngineInjectionRunner(services.injections());
        }
    }

    @Override
    public Result run(RecordedInjectionRequest r) {
        Duration timeout = Duration.ofSeconds(r.timeoutS() == null ? 30 : Math.max(1, r.timeoutS()));
        dev.thaw.inject.InjectionRequest req = new dev.thaw.inject.InjectionRequest(r.target().pid(), r.script(), r.params(),
                ThreadChoice.parse(r.thread()), InjectionMode.parse(r.mode()), timeout, r.hypothesis(),
                dev.thaw.inject.InjectionRequest.DEFAULT_OUTPUT_CAP);
        InjectionResult res = engine.inject(req, ProgressSink.NONE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long offset = 0;
        while (true) {
            OutputPage page = engine.readOutput(res.injectionId(), offset, PAGE, Duration.ZERO);
            out.writeBytes(page.text().getBytes(StandardCharsets.UTF_8));
            if (page.nextOffset() <= offset || page.nextOffset() >= page.totalBytes()) {
                break;
            }
            offset = page.nextOffset();
        }
        String detail = res.error() != null ? res.error() : null;
        return new Result(res.state(), out.toByteArray(), detail);
    }
}
