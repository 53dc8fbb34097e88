package dev.thaw.proc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** /proc/PID/stat and /proc/PID/status parsing on lines recorded from real processes. */
class ProcStatParseTest {

    // Recorded from a real python3.14 process, with a comm that contains ") (" to exercise the last-')' rule.
    static final String STAT = "25720 (py ) (evil) S 25700 25720 25700 0 -1 4194560 1735 0 0 0 3 1 0 0 20 0 3 0 "
            + "1161003 33865728 2346 18446744073709551615 4194304 8585641 140726 0 0 0 0 16781312 134235650 0 0 0 17 1 0 0 0 0 0 "
            + "12110464 12131120 13647872 140726 140726 140726 140726 0";

    // Recorded kthreadd line: flags include PF_KTHREAD (0x00200000).
    static final String KTHREAD = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 2 0 0 18446744073709551615 0 0 0 0 0 0 0 "
            + "2147483647 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0";

    @Test
    void parsesCommWithParenthesesAndSpaces() {
        ProcStat s = ProcStat.parse(STAT);
        assertThat(s.pid()).isEqualTo(25720);
        assertThat(s.comm()).isEqualTo("py ) (evil");
        assertThat(s.state()).isEqualTo('S');
        assertThat(s.ppid()).isEqualTo(25700);
        assertThat(s.numThreads()).isEqualTo(3);
        assertThat(s.startTimeTicks()).isEqualTo(1161003L);
        assertThat(s.isKernelThread()).isFalse();
    }

    @Test
    void recognisesKernelThreads() {
        assertThat(ProcStat.parse(KTHREAD).isKernelThread()).isTrue();
    }

    @Test
    void rejectsGarbageWithAClearMessage() {
        assertThatThrownBy(() -> ProcStat.parse("not a stat line")).hasMessageContaining("not a /proc stat line");
    }

    @Test
    void parsesStatusWithNamespacesAndSignalMasks() {
        String status = """
                Name:\tjava
                Umask:\t0022
                State:\tS (sleeping)
                Tgid:\t4746
                Ngid:\t0
                Pid:\t4746
                PPid:\t4740
                TracerPid:\t0
                Uid:\t1000\t1000\t1000\t1000
                Gid:\t1001\t1001\t1001\t1001
                NSpid:\t4746\t1
                Threads:\t21
                SigIgn:\t0000000000000000
                SigCgt:\t2000000181005ccf
                CapEff:\t0000000000080000
                """;
        ProcStatus s = ProcStatusParser.parse(4746, status);
        assertThat(s.name()).isEqualTo("java");
        assertThat(s.ppid()).isEqualTo(4740);
        assertThat(s.realUid()).isEqualTo(1000);
        assertThat(s.effectiveGid()).isEqualTo(1001);
        assertThat(s.nsPids()).containsExactly(4746, 1);
        assertThat(s.innermostPid()).isEqualTo(1);
        assertThat(s.inOtherPidNamespace()).isTrue();
        assertThat(s.catches(ProcStatus.SIGQUIT)).isTrue();
        assertThat(s.threads()).isEqualTo(21);
        assertThat(s.capEff() & (1L << 19)).isNotZero();
    }

    @Test
    void liveStatusOfOurselves() {
        int self = (int) ProcessHandle.current().pid();
        ProcStatus s = ProcFs.system().status(self);
        assertThat(s.pid()).isEqualTo(self);
        assertThat(s.nsPids()).isNotEmpty().contains(self);
        assertThat(s.threads()).isGreaterThan(1); // the JUnit JVM always runs several threads
        assertThat(ProcFs.system().stat(self).ppid()).isEqualTo(s.ppid());
    }

    @Test
    void nulSeparatedCommandLinesBecomeSpaces() {
        byte[] raw = "python3.14\0-c\0print(1)\0".getBytes();
        assertThat(ProcFs.joinNulSeparated(raw)).isEqualTo("python3.14 -c print(1)");
    }

    @Test
    void aVanishedPidIsProcessGone() {
        assertThatThrownBy(() -> ProcFs.system().status(Integer.MAX_VALUE - 7)).isInstanceOf(ProcessGoneException.class)
                .hasMessageContaining("does not exist");
    }
}
