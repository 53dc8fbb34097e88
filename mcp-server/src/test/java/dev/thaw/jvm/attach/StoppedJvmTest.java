package dev.thaw.jvm.attach;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.jvm.IdleTarget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A SIGSTOPped JVM is refused before anything is sent to it, with the state and the fix; no SIGQUIT is
 * left pending, so on SIGCONT it prints no thread dump, and it attaches normally afterwards.
 */
class StoppedJvmTest {

    private final AttachClients attach = new AttachClients(ProcFs.system());

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void aStoppedJvmIsRefusedAndPrintsNoDumpWhenResumed(int feature) throws Exception {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class)) {
            signal("STOP", t.pid());
            awaitState(t.pid(), 'T');
            assertThatThrownBy(() -> attach.to(t.pid()).threadDump())
                    .isInstanceOfSatisfying(ThawException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PROCESS_STOPPED);
                        assertThat(e.getMessage()).contains("state T");
                        assertThat(e.fix()).contains("kill -CONT " + t.pid());
                    });
            assertThat(Files.exists(Path.of("/proc/" + t.pid() + "/cwd/.attach_pid" + t.ready("pid")))).isFalse();
            signal("CONT", t.pid());
            Thread.sleep(1000); // a pending SIGQUIT would print its dump now
            assertThat(t.stdout()).doesNotContain("Full thread dump");
            assertThat(attach.to(t.pid()).threadDump()).contains("Attach Listener");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17})
    void aStoppedJvmWhoseListenerIsUpIsRefusedToo(int feature) throws Exception {
        try (Target t = TestJdks.start(TestJdks.require(feature), IdleTarget.class)) {
            attach.to(t.pid()).vmVersion(); // the socket is up from here on
            signal("STOP", t.pid());
            awaitState(t.pid(), 'T');
            assertThatThrownBy(() -> attach.to(t.pid()).vmVersion())
                    .isInstanceOfSatisfying(ThawException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PROCESS_STOPPED));
            signal("CONT", t.pid());
            assertThat(attach.to(t.pid()).vmVersion()).contains("JDK " + feature);
        }
    }

    private static void signal(String sig, int pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Integer.toString(pid)).start().waitFor()).isZero();
    }

    private static void awaitState(int pid, char state) throws Exception {
        for (int i = 0; i < 1000; i++) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            if (stat.charAt(stat.lastIndexOf(')') + 2) == state) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("process " + pid + " never reached state " + state);
    }
}
