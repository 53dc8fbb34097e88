package dev.thaw.jvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.thaw.jvm.AttachState.Status;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Jdk;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.jvm.IdleTarget;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JvmProbe against real JDK 17 and 25 JVMs started with the flags that change what it must say. */
class JvmProbeTest {

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void exactVersionFromHsperfdata(int feature) {
        Jdk jdk = TestJdks.require(feature);
        try (Target t = TestJdks.start(jdk, IdleTarget.class)) {
            JvmIdentity id = JvmProbe.identify(t.pid()).orElseThrow();
            assertThat(id.javaVersion()).isEqualTo(t.ready("version"));
            assertThat(id.versionSource()).isEqualTo(JvmIdentity.FROM_HSPERFDATA);
            assertThat(id.vmName()).contains("Server VM");
            assertThat(id.vendor()).isNotBlank();
            assertThat(id.javaHome()).isEqualTo(jdk.javaHome());
            assertThat(id.featureVersion()).isEqualTo(feature);
            assertThat(id.attach().status()).isEqualTo(Status.ON_DEMAND);
            assertThat(id.attach().dynamicAgentLoading()).isTrue();
            assertThat(id.attach().attachable()).isTrue();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void disabledAttachMechanism(int feature) {
        // JDK 8 has no EnableDynamicAgentLoading flag (JDK 9 added it): it would not start with it.
        String[] flags = feature >= 9 ? new String[] {"-XX:+DisableAttachMechanism", "-XX:-EnableDynamicAgentLoading"}
                : new String[] {"-XX:+DisableAttachMechanism"};
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class, flags)) {
            AttachState a = JvmProbe.identify(t.pid()).orElseThrow().attach();
            assertThat(a.status()).isEqualTo(Status.DISABLED);
            assertThat(a.reason()).contains("DisableAttachMechanism");
            assertThat(a.fix()).contains("Restart");
            assertThat(a.dynamicAgentLoading()).isEqualTo(feature < 9);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void disabledThroughJavaToolOptionsWithoutPerfData(int feature) {
        try (Target t = TestJdks.launch(TestJdks.require(feature), IdleTarget.class).flags("-XX:-UsePerfData")
                .env("JAVA_TOOL_OPTIONS", "-XX:+DisableAttachMechanism").start()) {
            JvmIdentity id = JvmProbe.identify(t.pid()).orElseThrow();
            assertThat(id.versionSource()).isEqualTo(versionFileSource(feature));
            assertThat(id.attach().status()).isEqualTo(Status.DISABLED);
        }
    }

    /** Where the version comes from without perf data: the release file; rt.jar's manifest on Debian's JRE 8. */
    private static String versionFileSource(int feature) {
        return feature == 8 ? JvmIdentity.FROM_RT_JAR : JvmIdentity.FROM_RELEASE_FILE;
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void withoutPerfDataTheReleaseFileGivesTheVersion(int feature) {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class, "-XX:-UsePerfData")) {
            JvmIdentity id = JvmProbe.identify(t.pid()).orElseThrow();
            assertThat(id.versionSource()).isEqualTo(versionFileSource(feature));
            // Debian's 11.0.33~8ea records JAVA_VERSION="11.0.33" for java.version 11.0.33-ea
            assertThat(t.ready("version")).startsWith(id.javaVersion());
            assertThat(id.featureVersion()).isEqualTo(feature);
            assertThat(id.vendor()).isNotBlank();
            assertThat(id.attach().status()).isEqualTo(Status.ON_DEMAND);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void reducedSignalUsageWithoutSocketMeansNoSignal(int feature) throws Exception {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class, "-Xrs")) {
            // -Xrs starts the listener eagerly (HotSpot: StartAttachListener || ReduceSignalUsage)...
            assertThat(JvmProbe.identify(t.pid()).orElseThrow().attach().status()).isEqualTo(Status.LISTENING);
            // ...and once a tmp cleaner removes the socket, nothing can bring it back: SIGQUIT is not caught.
            Files.delete(Path.of("/proc/" + t.pid() + "/root/tmp/.java_pid" + t.ready("pid")));
            AttachState a = JvmProbe.identify(t.pid()).orElseThrow().attach();
            assertThat(a.status()).isEqualTo(Status.NO_SIGNAL);
            assertThat(a.reason()).contains("SIGQUIT");
            assertThat(a.fix()).contains("StartAttachListener");
            assertThat(a.attachable()).isFalse();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void eagerListenerIsListening(int feature) {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class, "-XX:+StartAttachListener")) {
            AttachState a = JvmProbe.identify(t.pid()).orElseThrow().attach();
            assertThat(a.status()).isEqualTo(Status.LISTENING);
        }
    }

    @Test
    void nonJvmProcessIsEmpty() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            assertThat(JvmProbe.identify(Math.toIntExact(sleep.pid()))).isEmpty();
        } finally {
            sleep.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void goneProcessIsEmpty() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertThat(JvmProbe.identify(Math.toIntExact(p.pid()))).isEmpty();
    }

    @Test
    void theTestJvmItself() {
        JvmIdentity id = JvmProbe.identify(Math.toIntExact(ProcessHandle.current().pid())).orElseThrow();
        assertThat(id.javaVersion()).isEqualTo(System.getProperty("java.version"));
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void jvmInAnotherMountNamespaceWithPrivateTmp(int feature) throws Exception {
        assumeRootWithUnshare();
        try (Target t = TestJdks.launch(TestJdks.require(feature), IdleTarget.class)
                .wrapper(PRIVATE_TMP).start()) {
            // Its hsperfdata is not in our /tmp: only /proc/PID/root/tmp reaches it.
            assertThat(Files.exists(Path.of("/tmp/hsperfdata_root/" + t.pid()))).isFalse();
            JvmIdentity id = JvmProbe.identify(t.pid()).orElseThrow();
            assertThat(id.versionSource()).isEqualTo(JvmIdentity.FROM_HSPERFDATA);
            assertThat(id.javaVersion()).isEqualTo(t.ready("version"));
            assertThat(id.attach().status()).isEqualTo(Status.ON_DEMAND);
        }
    }

    /** unshare a mount namespace, mount a fresh tmpfs on /tmp, exec the java command line. */
    static final String[] PRIVATE_TMP = {"unshare", "--mount", "--fork", "sh", "-c",
            "mount -t tmpfs tmpfs /tmp && exec \"$0\" \"$@\""};

    static void assumeRootWithUnshare() throws Exception {
        assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim()),
                "needs root to unshare a mount namespace");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare(1)");
    }
}
