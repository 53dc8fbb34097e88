package dev.thaw.python.greenlet;

import dev.thaw.proc.MapsParser;
import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The greenlet extension as found in a live process: its vtables, its version, and a refusal for a file without them. */
class GreenletModuleTest {

    @Test
    void vtablesAndVersionOfTheLoadedExtension() {
        try (TestPythons.Target t = TestPythons.start("3.15", "import greenlet; print('ready', flush=True); "
                + "import time; time.sleep(60)")) {
            List<MemoryMap> maps = MapsParser.read(ProcFs.system(), t.pid());
            MemoryMap so = GreenletModule.mapping(maps).orElseThrow();
            assertThat(so.basename()).startsWith("_greenlet.cpython-315");
            GreenletModule m = GreenletModule.of(ProcFs.system(), t.pid(), so);
            assertThat(m.userVptr()).isNotZero().isNotEqualTo(m.mainVptr());
            // the vtables live in the extension's own mappings
            assertThat(maps.stream().anyMatch(x -> x.sameFileAs(so) && x.contains(m.userVptr()))).isTrue();
            assertThat(GreenletModule.version(ProcFs.system(), t.pid(), so.path())).matches("greenlet 3\\.\\d+\\.\\d+");

            // A file that is not greenlet's C++ extension is refused with the reason.
            MemoryMap libc = maps.stream().filter(x -> x.isFile() && x.offset() == 0 && x.basename().startsWith("libc."))
                    .findFirst().orElseThrow();
            assertThatThrownBy(() -> GreenletModule.of(ProcFs.system(), t.pid(), libc))
                    .isInstanceOf(GreenletModule.Unsupported.class)
                    .hasMessageContaining("exports no greenlet::UserGreenlet");
        }
    }
}
