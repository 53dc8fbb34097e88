package dev.thaw.python.inject;

import dev.thaw.ErrorCode;
import dev.thaw.Json;
import dev.thaw.ThawException;
import dev.thaw.inject.InjectionDirs;
import dev.thaw.inject.InjectionResult;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.HostileUser;
import dev.thaw.testing.PythonProgram;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on root thaw by a real unprivileged user who owns the target (and so its injection
 * directory once thaw hands it over): symbolic links swapped in while thaw sweeps, cleans up and
 * sets up, and a FIFO where thaw reads the status. The victim is a root-only directory on the host,
 * outside the target's root; after each attack nothing in it may be created, changed, re-owned or
 * deleted, and thaw must still answer.
 */
class HostileTargetTest {

    private static final String VERSION = "3.14";
    private Path victim;
    private Map<String, String> victimBefore;
    private final List<Process> attackers = new ArrayList<>();
    private final List<Path> litter = new ArrayList<>();

    @BeforeEach
    void victim() throws Exception {
        HostileUser.ids();
        TestPythons.require(VERSION);
        victim = Files.createDirectory(Path.of("/var/tmp/thaw-victim-" + ThreadLocalRandom.current().nextInt(1 << 30)),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (int i = 0; i < 5; i++) {
            Files.writeString(victim.resolve("precious" + i), "root's data " + i);
        }
        Path sub = Files.createDirectory(victim.resolve("sub"));
        Files.writeString(sub.resolve("deep"), "deeper data");
        victimBefore = snapshot(victim);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : attackers) {
            p.destroyForcibly().waitFor();
        }
        for (Path p : litter) {
            deleteTree(p);
        }
        deleteTree(victim);
    }

    @Test
    void theSweepNeverFollowsALinkSwappedInByTheDirectorysOwner() throws Exception {
        int[] id = HostileUser.ids();
        // A sticky directory of its own inside the sid root, as /tmp is: thaw processes of other test
        // runs on this machine sweep the real /tmp, and an older thaw would fall for this very attack.
        Path sidTmp = Files.createDirectory(TestPythons.SID_ROOT.resolve("tmp/thaw-hostile-" + ThreadLocalRandom.current()
                .nextInt(1 << 30)));
        Files.setPosixFilePermissions(sidTmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(sidTmp, "unix:mode", 01777);
        String area = "/tmp/" + sidTmp.getFileName();
        String deadOwner = "999999999." + ThreadLocalRandom.current().nextInt(1 << 30);
        Path journal = Files.createTempDirectory("thaw-hostile-journal");
        litter.add(journal);
        InjectionDirs dirs = new InjectionDirs(ProcFs.system(), journal);
        try {
            for (int round = 0; round < 8; round++) {
                // A directory a crashed thaw handed to the target's user: its marker is thaw's (the
                // user cannot forge one, but keeps the one it has), everything else is the user's.
                String name = "thaw-inj-" + deadOwner + "-inj" + round + "-beef";
                Path d = Files.createDirectory(sidTmp.resolve(name),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                litter.add(d);
                Files.writeString(d.resolve(".thaw"), deadOwner);
                Path sub = Files.createDirectory(d.resolve("sub"));
                for (int i = 0; i < 200; i++) {
                    Files.writeString(sub.resolve("f" + i), "x");
                }
                chownTree(d, id);
                Files.setOwner(d.resolve(".thaw"), Files.getOwner(Path.of("/")));
                String in = area + "/" + name;
                attackers.add(HostileUser.python(VERSION, PythonProgram.of("python/hostile/swap_stale_dir_for_links.py"),
                        in, victim.toString()));
                litter.add(sidTmp.resolve(name + ".away"));
                long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < end) {
                    Files.writeString(journal.resolve(deadOwner + ".json"),
                            Json.write(Map.of("owner", deadOwner, "tempDirs", List.of(sidTmp.toString()))));
                    dirs.sweepStale();
                }
                assertThat(snapshot(victim)).as("round " + round).isEqualTo(victimBefore);
            }
        } finally {
            dirs.close();
            litter.add(sidTmp);
        }
        assertThat(snapshot(victim)).isEqualTo(victimBefore);
    }

    @Test
    void cleanupNeverFollowsWhatTheTargetSwapsIn() throws Exception {
        try (TestPythons.Target t = TestPythons.start(HostileUser.inSid("/usr/bin/python" + VERSION, "-c",
                PythonInjectionTest.BUSY_TARGET), Map.of());
             Injections injections = new Injections()) {
            for (int round = 0; round < 5; round++) {
                InjectionResult r = injections.inject(t.pid(), """
                        import glob, os, threading, time
                        d = [p for t in ('/dev/shm', '/tmp', '/var/tmp') for p in glob.glob(t + '/thaw-inj-*-' + injection_id)][0]
                        victim = %s
                        os.mkdir(d + '/sub')
                        for i in range(200):
                            open(d + '/sub/f%%d' %% i, 'w').close()
                        os.symlink(victim + '/precious1', d + '/evil')
                        def swap():
                            end = time.time() + 3
                            while time.time() < end:
                                for a, b in ((d + '/sub', d + '/sub.x'), (d, d + '.away')):
                                    try:
                                        os.rename(a, b)
                                        os.symlink(victim, a)
                                        time.sleep(0.0005)
                                        os.unlink(a)
                                        os.rename(b, a)
                                    except OSError:
                                        pass
                        threading.Thread(target=swap, daemon=True).start()
                        print('swapping', d)
                        """.formatted(py(victim.toString())), Duration.ofSeconds(8));
                String dir = r.output().strip().replaceFirst("^swapping ", "");
                Path host = TestPythons.SID_ROOT.resolve(dir.substring(1));
                litter.add(host);
                litter.add(host.resolveSibling(host.getFileName() + ".away"));
                // Its own swapping may hide its final status from itself (the directory renamed away
                // at that moment): timed out is as fine an outcome here; the victim is what matters.
                assertThat(r.state()).as(r.toString()).isIn("completed", "failed", "timed_out");
                Thread.sleep(3500); // the swapping ends
                assertThat(snapshot(victim)).as("round " + round).isEqualTo(victimBefore);
            }
        }
    }

    @Test
    void renamingTheDirectoryForALinkDuringSetupReachesNothingOutside() throws Exception {
        try (TestPythons.Target t = TestPythons.start(HostileUser.inSid("/usr/bin/python" + VERSION, "-c",
                PythonInjectionTest.BUSY_TARGET), Map.of());
             Injections injections = new Injections()) {
            attackers.add(HostileUser.python(VERSION, PythonProgram.of("python/hostile/swap_new_dirs_for_links.py"),
                    victim.toString()));
            int delivered = 0;
            int refused = 0;
            for (int i = 0; i < 25; i++) {
                try {
                    InjectionResult r = injections.inject(t.pid(), "print('ran')", Duration.ofSeconds(2));
                    if (r.state().equals("completed")) {
                        delivered++;
                    }
                } catch (ThawException e) {
                    assertThat(e.code()).as(e.getMessage()).isIn(ErrorCode.TAMPERED, ErrorCode.PAYLOAD_UNWRITABLE);
                    refused++;
                }
                assertThat(snapshot(victim)).as("injection " + i).isEqualTo(victimBefore);
            }
            attackers.get(0).destroyForcibly().waitFor();
            injections.dirs.awaitRemovals(Duration.ofSeconds(5));
            for (String tmp : List.of("dev/shm", "tmp", "var/tmp")) {
                try (Stream<Path> s = Files.list(TestPythons.SID_ROOT.resolve(tmp))) {
                    s.filter(p -> p.getFileName().toString().endsWith(".moved")
                            || Files.isSymbolicLink(p) && p.getFileName().toString().contains("thaw-")).forEach(litter::add);
                }
            }
            System.err.println("setup race: " + delivered + " delivered, " + refused + " refused of 25");
            assertThat(snapshot(victim)).isEqualTo(victimBefore);
        }
    }

    @Test
    void aFifoInPlaceOfTheStatusIsReportedAsTamperingAndBlocksNothing() throws Exception {
        try (TestPythons.Target t = TestPythons.start(HostileUser.inSid("/usr/bin/python" + VERSION, "-c",
                PythonInjectionTest.BUSY_TARGET), Map.of());
             Injections injections = new Injections()) {
            long start = System.nanoTime();
            InjectionResult r = injections.inject(t.pid(), """
                    import glob, os, time
                    d = [p for t in ('/dev/shm', '/tmp', '/var/tmp') for p in glob.glob(t + '/thaw-inj-*-' + injection_id)][0]
                    os.mkfifo(d + '/fifo')
                    os.replace(d + '/fifo', d + '/status.json')
                    os.mkfifo(d + '/output.part.fifo')
                    os.replace(d + '/output.part.fifo', d + '/output.part')
                    time.sleep(30)
                    """, Duration.ofSeconds(60));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(r.state()).as(r.toString()).isEqualTo("failed");
            assertThat(r.errorType()).isEqualTo("tampered");
            assertThat(r.error()).contains("status.json").contains("FIFO");
            assertThat(seconds).as("answered without waiting for the script").isLessThan(30);
            // The process's turn was released: the next injection runs.
            InjectionResult next = injections.inject(t.pid(), "print('still served')", Duration.ofSeconds(20));
            assertThat(next.state()).as(next.toString()).isEqualTo("completed");
            assertThat(next.output()).isEqualTo("still served\n");
        }
    }

    /** Every file and directory under a root: type, owner, mode, size and content hash. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,mode,size", LinkOption.NOFOLLOW_LINKS);
                String hash = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? sha(Files.readAllBytes(p)) : "-";
                out.put(root.relativize(p).toString(), a.get("uid") + ":" + a.get("gid") + " "
                        + Integer.toOctalString((Integer) a.get("mode")) + " " + a.get("size") + " " + hash);
            }
        }
        return out;
    }

    private static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void chownTree(Path d, int[] id) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.toList()) {
                Files.setAttribute(p, "unix:uid", id[0], LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", id[1], LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /** Removes a tree without following links (the test's own clean-up, after the attackers stopped). */
    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(p)) {
            Files.delete(p);
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    private static String py(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
