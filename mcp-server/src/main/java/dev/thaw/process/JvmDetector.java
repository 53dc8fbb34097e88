package dev.thaw.process;

import dev.thaw.jvm.AttachState;
import dev.thaw.jvm.JvmIdentity;
import dev.thaw.jvm.JvmProbe;
import dev.thaw.proc.ProcStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Recognises HotSpot JVMs (via {@link JvmProbe}) and explains whether thaw can attach to them. */
public final class JvmDetector implements RuntimeDetector {

    private final JvmProbe probe;
    private final ProcStatus self;

    public JvmDetector(JvmProbe probe, ProcStatus self) {
        this.probe = probe;
        this.self = self;
    }

    @Override
    public Optional<Detection> detect(int pid, ProcStatus status) {
        return probe.inspect(pid).map(jvm -> {
            AttachState attach = jvm.attach();
            RuntimeInfo runtime = new RuntimeInfo(RuntimeInfo.HOTSPOT, jvm.javaVersion(), null, attachNote(attach));
            Check credentials = credentialProblem(status);
            if (credentials != null) {
                return new Detection(runtime, false, credentials.detail() + "; fix: " + credentials.fix());
            }
            if (!attach.attachable()) {
                return new Detection(runtime, false, attach.reason() + (attach.fix() == null ? "" : "; fix: " + attach.fix()));
            }
            return new Detection(runtime, true, null);
        });
    }

    @Override
    public RuntimeChecks checks(int pid, ProcStatus status, Detection detection) {
        JvmIdentity jvm = probe.inspect(pid).orElseThrow();
        AttachState attach = jvm.attach();
        List<Check> checks = new ArrayList<>();
        String version = jvm.javaVersion() == null ? "version unknown" : "Java " + jvm.javaVersion();
        checks.add(Check.pass("runtime", "HotSpot JVM, " + version
                + (jvm.vmName() == null ? "" : " (" + jvm.vmName() + ")") + ", read from " + jvm.versionSource()));
        Check credentials = credentialProblem(status);
        if (credentials == null) {
            checks.add(Check.pass("attach_credentials", self.effectiveUid() == 0
                    ? "thaw runs as root: the JVM accepts its attach connections"
                    : "same uid and gid as the JVM: it accepts thaw's attach connections"));
        } else {
            checks.add(credentials);
        }
        switch (attach.status()) {
            case LISTENING, ON_DEMAND -> checks.add(Check.pass("attach_mechanism", attach.reason()));
            case UNKNOWN -> checks.add(Check.warn("attach_mechanism", attach.reason(), attach.fix()));
            default -> checks.add(Check.fail("attach_mechanism", attach.reason(), attach.fix()));
        }
        if (attach.dynamicAgentLoading()) {
            checks.add(Check.pass("dynamic_agent_loading", "the JVM accepts a probe agent"
                    + (jvm.featureVersion() >= 21 ? "; loading one makes JDK 21+ print a dynamic-agent warning on its stderr" : "")));
        } else {
            checks.add(Check.fail("dynamic_agent_loading",
                    "started with -XX:-EnableDynamicAgentLoading: Java probes cannot be loaded (agent-less snapshots still work)",
                    "restart the JVM without -XX:-EnableDynamicAgentLoading (or with -XX:+EnableDynamicAgentLoading)"));
        }
        boolean canSnapshot = credentials == null && attach.attachable();
        return new RuntimeChecks(checks, canSnapshot, canSnapshot && attach.dynamicAgentLoading());
    }

    /**
     * The attach listener accepts a peer with the JVM's own euid and egid, or root; anything else is
     * silently disconnected. Null when we qualify, else the failed check.
     */
    private Check credentialProblem(ProcStatus target) {
        if (self.effectiveUid() == 0) {
            return null;
        }
        if (self.effectiveUid() == target.effectiveUid() && self.effectiveGid() == target.effectiveGid()) {
            return null;
        }
        return Check.fail("attach_credentials", "the JVM runs as uid " + target.effectiveUid() + " gid " + target.effectiveGid()
                        + " and thaw as uid " + self.effectiveUid() + " gid " + self.effectiveGid()
                        + "; the attach listener only accepts its own user and group, or root",
                "run thaw as the JVM's user (sudo -u <user> thaw ...) or as root");
    }

    private static String attachNote(AttachState attach) {
        return switch (attach.status()) {
            case LISTENING -> "attach listener up";
            case ON_DEMAND -> null;
            case DISABLED -> "attach mechanism disabled";
            case NO_SIGNAL -> "attach cannot be started (SIGQUIT not caught)";
            case UNKNOWN -> "attach state unknown";
        };
    }
}
