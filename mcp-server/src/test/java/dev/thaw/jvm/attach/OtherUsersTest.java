package dev.thaw.jvm.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.PortableClasspath;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Jdk;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.jvm.AttachAsCaller;
import dev.thaw.testing.jvm.IdleTarget;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Targets and clients under different users (made with setpriv, so the tests need root): the
 * JVM accepts only its own euid and egid, or root, for real.
 */
class OtherUsersTest {

    private final AttachClients attach = new AttachClients(ProcFs.system());

    static final String NOBODY = "65534";
    static final String DAEMON = "1";

    static Path libs;

    @BeforeAll
    static void rootAndSetpriv(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim()),
                "needs root to run processes as other users");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv(1)");
        // The client run as another user needs readable copies of thaw's classes and slf4j-api
        // (the local Maven repository under /root is not readable to them).
        libs = tmp;
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path slf4j = Path.of(org.slf4j.LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.copy(slf4j, tmp.resolve("slf4j-api.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(tmp.resolve("slf4j-api.jar"), PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static String[] as(String uid, String gid) {
        return new String[] {"setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups"};
    }

    /** Runs {@link AttachAsCaller} as uid:gid and returns its one line. */
    private static String attachAs(Jdk jdk, String uid, String gid, int pid) throws Exception {
        // Copies another user can read, wherever the checkout is (e.g. under /root).
        String classes = PortableClasspath.of(
                Path.of(AttachClient.class.getProtectionDomain().getCodeSource().getLocation().toURI())).toString();
        String testClasses = PortableClasspath.of(
                Path.of(AttachAsCaller.class.getProtectionDomain().getCodeSource().getLocation().toURI())).toString();
        // The client is thaw: it runs on the target's JDK when that is a host JDK 17+ (so 25 -> 25 is
        // covered), else on 17 (JDKs 8 and 11 cannot run thaw; the sid root's 21 would need chroot, i.e. root).
        Jdk client = jdk.feature() >= 17 && jdk.root().equals(Path.of("/")) ? jdk : TestJdks.require(17);
        List<String> cmd = new ArrayList<>(List.of(as(uid, gid)));
        cmd.addAll(List.of(client.java().toString(), "-cp",
                String.join(File.pathSeparator, classes, testClasses, libs.resolve("slf4j-api.jar").toString()),
                AttachAsCaller.class.getName(), Integer.toString(pid)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void rootAttachesToAnotherUsersJvm(int feature) {
        try (Target t = TestJdks.launch(TestJdks.require(feature), IdleTarget.class).asUser(NOBODY, NOBODY).start()) {
            if (feature >= 9) {
                assertThat(attach.to(t.pid()).vmVersion()).contains("JDK " + feature + ".");
            } else {
                // JDK 8's listener accepts only its own uid and gid, not root: refused before any signal
                assertThatThrownBy(() -> attach.to(t.pid()).vmVersion()).isInstanceOfSatisfying(
                        ThawException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.ATTACH_NEEDS_JVM_USER);
                            assertThat(e.getMessage()).contains("uid 65534 gid 65534").contains("not from root");
                            assertThat(e.fix()).contains("sudo -u '#65534' -g '#65534'");
                        });
                assertThat(t.stdout()).doesNotContain("Full thread dump");
                // ...and the JVM's own user gets in
                assertThat(attachAs(TestJdks.require(feature), NOBODY, NOBODY, t.pid())).startsWith("OK ");
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void sameUserAndGroupAttachWithoutRoot(int feature) throws Exception {
        Jdk jdk = TestJdks.require(feature);
        try (Target t = TestJdks.launch(jdk, IdleTarget.class).asUser(NOBODY, NOBODY).start()) {
            // VM.version's first line: "OpenJDK 64-Bit Server VM version 25.504-b01" on 8u504, the version from 9 on
            assertThat(attachAs(jdk, NOBODY, NOBODY, t.pid())).startsWith("OK ")
                    .contains(feature == 8 ? "version 25." : t.ready("version"));
            assertThat(t.stdout()).doesNotContain("Full thread dump");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void anotherUserIsRefusedClearly(int feature) throws Exception {
        Jdk jdk = TestJdks.require(feature);
        try (Target t = TestJdks.launch(jdk, IdleTarget.class).asUser(NOBODY, NOBODY).start()) {
            String out = attachAs(jdk, DAEMON, DAEMON, t.pid());
            assertThat(out).startsWith("REFUSED permission_denied").contains("FIX Run thaw as the JVM's user");
            Thread.sleep(200);
            assertThat(t.stdout()).doesNotContain("Full thread dump"); // nothing was sent
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void sameUserOtherGroupIsRefusedClearly(int feature) throws Exception {
        Jdk jdk = TestJdks.require(feature);
        try (Target t = TestJdks.launch(jdk, IdleTarget.class).asUser(NOBODY, NOBODY).start()) {
            String out = attachAs(jdk, NOBODY, DAEMON, t.pid());
            assertThat(out).startsWith("REFUSED permission_denied");
            Thread.sleep(200);
            assertThat(t.stdout()).doesNotContain("Full thread dump");
        }
    }
}
