package dev.thaw.catalog;

import dev.thaw.inject.InjectionResult;
import dev.thaw.inject.InjectionService;
import dev.thaw.inject.OutputPage;

import java.time.Duration;

/** The whole output of a finished injection: its first page and every page after it. */
final class InjectionOutput {

    private InjectionOutput() {
    }

    static String whole(InjectionService service, InjectionResult r) {
        StringBuilder all = new StringBuilder(r.output() == null ? "" : r.output());
        long offset = r.nextOffset();
        boolean more = r.more();
        while (more) {
            OutputPage page = service.readOutput(r.injectionId(), offset, 1 << 20, Duration.ZERO);
            all.append(page.text());
            offset = page.nextOffset();
            more = !page.complete();
        }
        return all.toString();
    }
}
