package dev.thaw.inject;

import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Turns at a process: within this server, against another process holding the lock file, and pruning. */
class TargetLocksTest {

    private final ProcFs proc = ProcFs.system();

    private TargetIdentity self() {
        ProcessKey k = ProcessKey.of(proc, (int) ProcessHandle.current().pid());
        return new TargetIdentity(k.pid(), k.startTicks(), null, "cpython", "3.14.0", 0, 0);
    }

    /** A run directory as thaw makes it: 0700, this user's. */
    private static Path privateRunDir(Path tmp) throws java.io.IOException {
        return Files.createDirectory(tmp.resolve("run"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @Test
    void aTurnIsReleasedOnceHoweverOftenItIsClosed() {
        TargetLocks locks = new TargetLocks(proc, null);
        TargetLocks.Turn first = locks.tryAcquire(self());
        assertThat(first).isNotNull();
        assertThat(locks.tryAcquire(self())).as("taken").isNull();
        first.close();
        first.close(); // a second release would let two turns in at once below
        TargetLocks.Turn second = locks.tryAcquire(self());
        assertThat(second).isNotNull();
        assertThat(locks.tryAcquire(self())).isNull();
        second.close();
    }

    @Test
    void anotherProcessHoldingTheLockFileMakesThisOneWaitAndSaySo(@TempDir Path tmp) throws Exception {
        Path run = privateRunDir(tmp);
        TargetLocks locks = new TargetLocks(proc, run);
        TargetIdentity t = self();
        Path lockFile = run.resolve(t.key() + ".lock");
        // Another server: a separate process holding an fcntl lock on the file, as a thaw server does.
        Process other = new ProcessBuilder("python3", "-c", "import fcntl, sys, time\n"
                + "f = open(sys.argv[1], 'w'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
                lockFile.toString()).start();
        try {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(r.readLine()).isEqualTo("locked");
                assertThat(locks.tryAcquire(t)).as("the other server holds it").isNull();
                List<Boolean> waits = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                assertThat(locks.acquire(t, deadline, waits::add)).as("still held at the deadline").isNull();
                assertThat(waits).as("told that another server holds it").contains(true);
                other.destroy();
                other.waitFor(10, TimeUnit.SECONDS);
                TargetLocks.Turn turn = locks.acquire(t, System.nanoTime() + TimeUnit.SECONDS.toNanos(10), w -> { });
                assertThat(turn).as("the kernel dropped the dead process's lock").isNotNull();
                turn.close();
                // Released: the file can be locked again by anyone, this server included.
                TargetLocks.Turn again = locks.tryAcquire(t);
                assertThat(again).isNotNull();
                again.close();
            }
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void theTurnsOfAProcessThatIsGoneAreForgottenWithTheirLockFile(@TempDir Path tmp) throws Exception {
        Path run = privateRunDir(tmp);
        TargetLocks locks = new TargetLocks(proc, run);
        Process p = new ProcessBuilder("sleep", "60").start();
        ProcessKey k = ProcessKey.of(proc, (int) p.pid());
        TargetIdentity t = new TargetIdentity(k.pid(), k.startTicks(), null, "cpython", "3.14.0", 0, 0);
        locks.tryAcquire(t).close();
        assertThat(run.resolve(k + ".lock")).exists();
        locks.prune();
        assertThat(run.resolve(k + ".lock")).as("alive: kept").exists();
        p.destroyForcibly().waitFor();
        locks.prune();
        assertThat(run.resolve(k + ".lock")).as("gone: removed").doesNotExist();
    }
}
