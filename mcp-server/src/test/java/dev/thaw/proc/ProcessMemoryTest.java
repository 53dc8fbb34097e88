package dev.thaw.proc;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reads a real child process's memory. */
class ProcessMemoryTest {

    @Test
    void readsTheElfHeaderOfAChild() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try (ProcessMemory mem = ProcessMemory.open((int) p.pid())) {
            List<MemoryMap> maps = MapsParser.read(ProcFs.system(), (int) p.pid());
            MemoryMap first = maps.stream().filter(m -> m.isFile() && m.offset() == 0).findFirst().orElseThrow();
            assertThat(new String(mem.bytes(first.start() + 1, 3), StandardCharsets.US_ASCII)).isEqualTo("ELF");
            assertThat(mem.readInt(first.start())).isEqualTo(0x464c457f);
            assertThat(mem.readByte(first.start() + 4)).isEqualTo((byte) 2);
            assertThat(mem.readLong(first.start()) & 0xffffffffL).isEqualTo(0x464c457fL);
            assertThat(mem.bytes(first.start(), (int) first.size())).hasSize((int) first.size());
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void unmappedAddressIsMemoryUnreadable() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try (ProcessMemory mem = ProcessMemory.open((int) p.pid())) {
            assertThatThrownBy(() -> mem.readLong(8))
                    .isInstanceOf(MemoryUnreadableException.class)
                    .extracting(e -> ((ThawException) e).code()).isEqualTo(ErrorCode.MEMORY_UNREADABLE);
            assertThatThrownBy(() -> mem.readLong(-4096)).isInstanceOf(MemoryUnreadableException.class);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void processThatExitedIsGone() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        int pid = (int) p.pid();
        ProcessMemory mem = ProcessMemory.open(pid);
        long addr = MapsParser.read(ProcFs.system(), pid).get(0).start();
        p.destroyForcibly().waitFor();
        assertThatThrownBy(() -> mem.readLong(addr)).isInstanceOf(ProcessGoneException.class);
        mem.close();
        assertThatThrownBy(() -> ProcessMemory.open(pid)).isInstanceOf(ProcessGoneException.class);
    }
}
