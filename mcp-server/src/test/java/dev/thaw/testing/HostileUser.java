package dev.thaw.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real unprivileged local user for attack tests ({@value #NAME}, created with useradd when
 * absent; needs root). Its processes run in the Debian sid root through chroot --userspec, so the
 * same interpreter serves as hostile target and as attacker.
 */
public final class HostileUser {

    public static final String NAME = "thaw-hostile";
    private static volatile int[] ids;

    private HostileUser() {
    }

    /** {uid, gid} of the user, creating it the first time; aborts the test when that is impossible. */
    public static synchronized int[] ids() {
        if (ids != null) {
            return ids;
        }
        Assumptions.assumeTrue(isRoot(), "attack tests need root (they create a user and run thaw as root)");
        try {
            if (run(List.of("id", "-u", NAME)).isEmpty()) {
                // Two test JVMs may race here: a failure is fine as long as the user exists afterwards.
                run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", NAME));
            }
            String uid = run(List.of("id", "-u", NAME)).strip();
            String gid = run(List.of("id", "-g", NAME)).strip();
            Assumptions.assumeFalse(uid.isEmpty(), "cannot create user " + NAME);
            ids = new int[] {Integer.parseInt(uid), Integer.parseInt(gid)};
            return ids;
        } catch (IOException e) {
            Assumptions.abort("cannot create user " + NAME + ": " + e.getMessage());
            return null;
        }
    }

    /** A command in the sid root as this user: {@code chroot --userspec=UID:GID ROOT cmd...}. */
    public static List<String> inSid(String... command) {
        int[] id = ids();
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/chroot", "--userspec=" + id[0] + ":" + id[1],
                TestPythons.SID_ROOT.toString()));
        cmd.addAll(List.of(command));
        return cmd;
    }

    /** Python code run as this user in the sid root, in the background; kill it with destroyForcibly. */
    public static Process python(String version, String code) throws IOException {
        return new ProcessBuilder(inSid("/usr/bin/python" + version, "-c", code))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** A target program run as this user in the sid root, with arguments, in the background. */
    public static Process python(String version, PythonProgram program, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python" + version, "-c", program.text()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(inSid(cmd.toArray(String[]::new)))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(30, TimeUnit.SECONDS);
            return p.exitValue() == 0 ? out : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
