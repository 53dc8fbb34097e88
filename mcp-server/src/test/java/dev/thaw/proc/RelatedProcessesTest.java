package dev.thaw.proc;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel's view of related processes, on a real shell pipeline {@code sleep | cat}: the shell's
 * children, what they are blocked in, and the two ends of the pipe between them.
 */
class RelatedProcessesTest {

    final RelatedProcesses related = new RelatedProcesses(ProcFs.system());

    @Test
    void followsChildrenAndMatchesThePipeBetweenThem() throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", "sleep 300 | cat; true").start();
        try {
            int pid = (int) sh.pid();
            // the children exist from fork(), and are named sleep and cat once each has exec'd
            List<RelatedProcesses.Process> kids = List.of();
            for (int i = 0; i < 300 && !comms(kids).equals(List.of("cat", "sleep")); i++) {
                TimeUnit.MILLISECONDS.sleep(10);
                kids = related.children(pid).stream().map(related::describe).flatMap(Optional::stream).toList();
            }
            assertThat(kids).extracting(RelatedProcesses.Process::comm).containsExactlyInAnyOrder("sleep", "cat");
            RelatedProcesses.Process sleep = kids.stream().filter(p -> p.comm().equals("sleep")).findFirst().orElseThrow();
            RelatedProcesses.Process cat = kids.stream().filter(p -> p.comm().equals("cat")).findFirst().orElseThrow();
            assertThat(sleep.ppid()).isEqualTo(pid);
            assertThat(sleep.command()).isEqualTo("sleep 300");

            RelatedProcesses.PipeEnd out = related.pipeEnd(sleep.pid(), 1).orElseThrow();
            assertThat(out.write()).isTrue();
            RelatedProcesses.PipeEnd in = related.pipeEnd(cat.pid(), 0).orElseThrow();
            assertThat(in.write()).isFalse();
            assertThat(in.inode()).isEqualTo(out.inode());
            assertThat(related.holders(out.inode())).extracting(RelatedProcesses.PipeEnd::pid).contains(sleep.pid(), cat.pid());

            // cat waits for input in read(0): the task's syscall and first argument say so
            RelatedProcesses.Task reader = null;
            for (int i = 0; i < 200 && (reader == null || !"read".equals(reader.syscall())); i++) {
                reader = related.describe(cat.pid()).orElseThrow().tasks().get(0);
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(reader.syscall()).isEqualTo("read");
            assertThat(reader.firstArg()).isZero();
        } finally {
            sh.descendants().forEach(ProcessHandle::destroyForcibly);
            sh.destroyForcibly();
        }
    }

    private static List<String> comms(List<RelatedProcesses.Process> ps) {
        return ps.stream().map(RelatedProcesses.Process::comm).sorted().toList();
    }

    @Test
    void aGoneProcessIsEmptyNotAnError() {
        assertThat(related.describe(Integer.MAX_VALUE - 1)).isEmpty();
        assertThat(related.children(Integer.MAX_VALUE - 1)).isEmpty();
        assertThat(related.pipeEnds(Integer.MAX_VALUE - 1)).isEmpty();
    }
}
