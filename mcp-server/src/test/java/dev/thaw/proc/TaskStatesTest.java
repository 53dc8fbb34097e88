package dev.thaw.proc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TaskStates} and the handles it keeps open ({@link TaskFiles}): parsing of recorded lines
 * in a fake /proc, freshness of kept handles, the handle budget, and threads of this JVM through
 * the real /proc (a thread that exits, one that is parked).
 */
class TaskStatesTest {

    private static final int PID = 4242;

    @TempDir
    Path root;

    private final TaskFiles files = new TaskFiles(64);

    @AfterEach
    void closeHandles() {
        files.clear();
    }

    private void task(int tid, String stat, String syscall, String wchan) throws IOException {
        Path dir = root.resolve(PID + "/task/" + tid);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("stat"), stat);
        Files.writeString(dir.resolve("syscall"), syscall);
        Files.writeString(dir.resolve("wchan"), wchan);
    }

    private TaskState read(int tid) {
        return new TaskStates(new ProcFs(root), files).read(PID, tid);
    }

    @Test
    void parsesNameStateSyscallAndFutexAddress() throws IOException {
        task(7, "7 (py ) (evil) S 1 7 7 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 3 0 1161003 0 0\n",
                "202 0x7f00deadbe00 0x189 0x0 0x0 0x0 0xffffffff 0x7ffd1f2a3b40 0x7f00c0ffee11\n", "futex_wait_queue\n");
        TaskState t = read(7);
        assertThat(t.name()).isEqualTo("py ) (evil");
        assertThat(t.state()).isEqualTo('S');
        assertThat(t.syscall()).isEqualTo(SyscallNames.name(202));
        assertThat(t.syscallArgs()).isEqualTo("0x7f00deadbe00 0x189 0x0 0x0");
        assertThat(t.wchan()).isNull(); // the syscall says it: wchan is not read
    }

    @Test
    void runningNotInASyscallAndUnknownNumbers() throws IOException {
        task(8, "8 (worker) R 1 7 7 0 -1 0 0 0\n", "running\n", "0\n");
        task(9, "9 (stopped) T 1 7 7 0 -1 0 0 0\n", "-1 0x7ffd1f2a3b40 0x7f00c0ffee11\n", "do_signal_stop\n");
        task(10, "10 (odd) S 1 7 7 0 -1 0 0 0\n", "abc 0x1 0x2 0x3\n", "0\n");
        task(11, "11 (short) S 1 7 7 0 -1 0 0 0\n", "232 0x3 0x4\n", "ep_poll\n");
        assertThat(read(8).syscall()).isEqualTo("running");
        assertThat(read(8).wchan()).isNull();
        TaskState stopped = read(9);
        assertThat(stopped.syscall()).isNull();
        assertThat(stopped.syscallArgs()).isNull();
        assertThat(stopped.wchan()).isEqualTo("do_signal_stop");
        assertThat(read(10).syscall()).isNull();
        assertThat(read(10).wchan()).isNull(); // "0"
        assertThat(read(11).syscall()).isEqualTo(SyscallNames.name(232));
        assertThat(read(11).syscallArgs()).isNull(); // fewer than three arguments shown
    }

    @Test
    void aKeptHandleAnswersThePresentContent() throws IOException {
        task(7, "7 (before) S 1 7 7 0\n", "202 0x10 0x80 0x0 0x0\n", "\n");
        assertThat(read(7).name()).isEqualTo("before");
        assertThat(files.openHandles()).isEqualTo(2);
        // rewritten in place (same inode), as the kernel regenerates a seq_file on every read
        Files.writeString(root.resolve(PID + "/task/7/stat"), "7 (after) D 1 7 7 0\n");
        Files.writeString(root.resolve(PID + "/task/7/syscall"), "0 0x3 0x0 0x1000 0x0\n");
        TaskState t = read(7);
        assertThat(t.name()).isEqualTo("after");
        assertThat(t.state()).isEqualTo('D');
        assertThat(t.syscall()).isEqualTo(SyscallNames.name(0));
        assertThat(files.openHandles()).isEqualTo(2);
    }

    @Test
    void aMissingThreadIsNullAndLeavesNoHandle() {
        assertThat(read(12345)).isNull();
        assertThat(files.openHandles()).isZero();
    }

    @Test
    void theBudgetBoundsOpenHandlesAndReadsStayCorrect() throws IOException {
        TaskFiles small = new TaskFiles(3);
        try {
            for (int tid = 1; tid <= 5; tid++) {
                task(tid, tid + " (t" + tid + ") S 1 1 1 0\n", "202 0x" + tid + " 0x80 0x0\n", "\n");
            }
            TaskStates reader = new TaskStates(new ProcFs(root), small);
            for (int round = 0; round < 2; round++) {
                for (int tid = 1; tid <= 5; tid++) {
                    TaskState t = reader.read(PID, tid);
                    assertThat(t.name()).isEqualTo("t" + tid);
                    assertThat(t.syscallArgs()).startsWith("0x" + tid + " ");
                    assertThat(small.openHandles()).isLessThanOrEqualTo(3);
                }
            }
            // another process takes the least recently used one's handles
            Path other = root.resolve("4343/task/1");
            Files.createDirectories(other);
            Files.writeString(other.resolve("stat"), "1 (other) S 1 1 1 0\n");
            Files.writeString(other.resolve("syscall"), "running\n");
            assertThat(new TaskStates(new ProcFs(root), small).read(4343, 1).name()).isEqualTo("other");
            assertThat(small.openHandles()).isLessThanOrEqualTo(3);
            assertThat(small.known(new ProcFs(root), 4343)).containsExactly(1);
        } finally {
            small.clear();
        }
    }

    @Test
    void retainOnlyClosesTheHandlesOfOtherThreads() throws IOException {
        task(1, "1 (a) S 1 1 1 0\n", "202 0x1 0x80 0x0\n", "\n");
        task(2, "2 (b) S 1 1 1 0\n", "202 0x2 0x80 0x0\n", "\n");
        read(1);
        read(2);
        assertThat(files.known(new ProcFs(root), PID)).containsExactly(1, 2);
        files.retainOnly(new ProcFs(root), PID, List.of(2));
        assertThat(files.known(new ProcFs(root), PID)).containsExactly(2);
        assertThat(files.openHandles()).isEqualTo(2);
    }

    /** Real /proc: a parked thread of this JVM is a futex wait; once it has exited its kept handles fail and it reads as gone. */
    @Test
    void realThreadsOfThisJvm() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int[] tid = new int[1];
        Thread t = new Thread(() -> {
            tid[0] = gettid();
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException ignored) {
                // exit
            }
        }, "thaw-ts-probe");
        t.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        ProcFs proc = ProcFs.system();
        TaskStates reader = new TaskStates(proc, files);
        TaskState parked = null;
        for (int i = 0; i < 200; i++) {
            parked = reader.read(pid, tid[0]);
            if (parked != null && parked.state() == 'S') {
                break;
            }
            Thread.sleep(5);
        }
        assertThat(parked).isNotNull();
        assertThat(parked.name()).isEqualTo("thaw-ts-probe");
        assertThat(parked.state()).isEqualTo('S');
        assertThat(parked.syscall()).isEqualTo("futex");
        assertThat(proc.taskStat(pid, tid[0]).comm()).isEqualTo(parked.name());
        assertThat(files.openHandles()).isEqualTo(2);

        release.countDown();
        t.join(10_000);
        // once the OS thread is gone (a little after join: the JVM's native thread still exits),
        // its kept handles answer ESRCH and the path no longer exists
        TaskState gone = reader.read(pid, tid[0]);
        for (int i = 0; i < 1000 && gone != null; i++) {
            Thread.sleep(10);
            gone = reader.read(pid, tid[0]);
        }
        assertThat(gone).isNull();
        assertThat(files.openHandles()).isZero();

        Map<Integer, TaskState> all = TaskStates.readAll(proc, pid, proc.tids(pid));
        assertThat(all).containsKey(pid);
        assertThat(all.get(pid).name()).isNotEmpty();
    }

    @Test
    void keptHandlesBelongToTheirProcFsAndAreSharedByItsReaders() {
        int pid = (int) ProcessHandle.current().pid();
        ProcFs proc = new ProcFs(Path.of("/proc"));
        List<Integer> tids = proc.tids(pid);
        TaskStates.readAll(proc, pid);

        // a later reader of the same ProcFs (the next snapshot) finds the handles the first one kept
        assertThat(TaskStates.known(proc, pid)).isNotEmpty().isSubsetOf(tids);
        assertThat(new TaskStates(proc).read(pid, pid)).isNotNull();
        // another ProcFs keeps its own, so nothing is shared through a static
        assertThat(TaskStates.known(new ProcFs(Path.of("/proc")), pid)).isEmpty();

        TaskStates.forget(proc, pid);
        assertThat(TaskStates.known(proc, pid)).isEmpty();
        assertThat(proc.taskFiles().openHandles()).isZero();
    }

    /** The calling thread's kernel tid, from /proc/thread-self. */
    private static int gettid() {
        try {
            return Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
