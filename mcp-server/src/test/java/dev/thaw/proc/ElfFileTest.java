package dev.thaw.proc;

import dev.thaw.ThawException;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parses the real sid python binaries. */
class ElfFileTest {

    @ParameterizedTest
    @ValueSource(strings = {"3.13", "3.14", "3.15"})
    void findsPyRuntimeAndTheFirstLoadSegment(String version) {
        Path bin = TestPythons.requireSidFile("/usr/bin/python" + version);
        try (ElfFile elf = ElfFile.open(bin)) {
            assertThat(elf.machine()).isIn(62, 183);
            ElfFile.Section s = elf.section(".PyRuntime").orElseThrow();
            assertThat(s.size()).isGreaterThan(1000);
            assertThat(s.addr() % 32).isZero();
            // The section's static contents are the initial _Py_DebugOffsets: cookie then PY_VERSION_HEX.
            byte[] head = elf.read(s, 24);
            assertThat(new String(head, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("xdebugpy");
            long hex = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
            int minor = Integer.parseInt(version.substring(2));
            assertThat(hex >>> 16).isEqualTo(0x0300L | minor);
            ElfFile.ProgramHeader load = elf.firstLoad().orElseThrow();
            assertThat(load.type()).isEqualTo(ElfFile.PT_LOAD);
            assertThat(load.alignedVaddr() % load.align()).isZero();
            assertThat(elf.hasDynamicSymbol("PyEval_EvalCode")).isTrue();
            assertThat(elf.hasDynamicSymbol("no_such_symbol_xyz")).isFalse();
        }
    }

    @Test
    void aNonPythonBinaryHasNoPyRuntime() {
        try (ElfFile elf = ElfFile.open(Path.of("/bin/sh").toRealPath())) {
            assertThat(elf.section(".PyRuntime")).isEmpty();
            assertThat(elf.section(".text")).isPresent();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void notElf() throws Exception {
        Path f = Files.createTempFile("thaw", ".txt");
        Files.writeString(f, "#!/bin/sh\necho this is not an ELF file at all, it is long enough to have a header\n");
        try {
            assertThatThrownBy(() -> ElfFile.open(f)).isInstanceOf(ThawException.class)
                    .hasMessageContaining("not an ELF file");
            assertThatThrownBy(() -> ElfFile.open(f.resolveSibling("missing-thaw-file")))
                    .isInstanceOf(ThawException.class).hasMessageContaining("does not exist");
        } finally {
            Files.delete(f);
        }
    }
}
