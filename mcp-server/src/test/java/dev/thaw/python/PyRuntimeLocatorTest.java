package dev.thaw.python;

import dev.thaw.proc.MapsParser;
import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessMemory;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Binaries that CPython's own lookup cannot handle: renamed (no "python" in the name) and deleted. */
class PyRuntimeLocatorTest {

    static final String CODE = "import sys,time; print(hex(sys.hexversion), flush=True); time.sleep(120)";

    /** Copies the sid python3.14 to a fresh directory inside the sid root; returns its path inside the root. */
    static String copyIntoSid(String name) throws IOException {
        Path bin = TestPythons.requireSidFile("/usr/bin/python3.14");
        Path dir = Files.createTempDirectory(TestPythons.SID_ROOT.resolve("tmp"), "thaw locator ");
        Path copy = dir.resolve(name);
        Files.copy(bin, copy);
        return "/" + TestPythons.SID_ROOT.relativize(copy);
    }

    static TestPythons.Target startInSid(String pathInRoot) {
        return TestPythons.start(List.of("/usr/sbin/chroot", TestPythons.SID_ROOT.toString(), pathInRoot, "-c", CODE),
                Map.of());
    }

    static void cleanUp(String pathInRoot) throws IOException {
        Path p = TestPythons.SID_ROOT.resolve(pathInRoot.substring(1));
        Files.deleteIfExists(p);
        Files.deleteIfExists(p.getParent());
    }

    @Test
    void binaryWithoutPythonInItsNameIsFoundAsTheMainExecutable() throws IOException {
        String path = copyIntoSid("interp");
        try (TestPythons.Target t = startInSid(path)) {
            PythonIdentity id = PythonProbe.identify(t.pid()).orElseThrow();
            assertThat("0x" + Long.toHexString(id.version().hex())).isEqualTo(t.readyLine());
            assertThat(id.versionFromMemory()).isTrue();
        } finally {
            cleanUp(path);
        }
    }

    @Test
    void deletedBinaryIsFoundAndTheCookieScanAgrees() throws IOException {
        String path = copyIntoSid("python3.14");
        try (TestPythons.Target t = startInSid(path)) {
            cleanUp(path);
            List<MemoryMap> maps = MapsParser.read(ProcFs.system(), t.pid());
            MemoryMap exe = maps.get(0);
            assertThat(exe.deleted()).isTrue();
            PythonIdentity id = PythonProbe.identify(t.pid()).orElseThrow();
            assertThat("0x" + Long.toHexString(id.version().hex())).isEqualTo(t.readyLine());
            try (ProcessMemory mem = ProcessMemory.open(t.pid())) {
                assertThat(PyRuntimeLocator.scanForCookie(mem, maps, exe)).contains(id.runtimeAddress());
            }
        } finally {
            cleanUp(path);
        }
    }

    /**
     * The container case for real: the binary lives on a tmpfs mounted only in the target's own
     * mount namespace, under its chroot. Read from a child JVM without CAP_SYS_ADMIN, which cannot
     * open /proc/PID/map_files and must find the ELF through /proc/PID/root.
     */
    @Test
    void binaryOnlyVisibleInTheTargetsMountNamespace() throws Exception {
        Path bin = TestPythons.requireSidFile("/usr/bin/python3.14");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare is needed");
        Path dir = Files.createTempDirectory(TestPythons.SID_ROOT.resolve("tmp"), "thaw-ns-");
        String inRoot = "/" + TestPythons.SID_ROOT.relativize(dir);
        String script = "mount -t tmpfs none '" + dir + "' && cp '" + bin + "' '" + dir + "/python3.14' && exec "
                + "/usr/sbin/chroot '" + TestPythons.SID_ROOT + "' '" + inRoot + "/python3.14' -c \"" + CODE + "\"";
        try (TestPythons.Target t = TestPythons.start(List.of("/usr/bin/unshare", "-m", "--propagation", "private",
                "sh", "-c", script), Map.of())) {
            assertThat(Files.exists(dir.resolve("python3.14"))).as("invisible from our namespace").isFalse();
            String line = PythonSnapshotterErrorsTest.runReader(t.pid(), "-sys_admin,-checkpoint_restore").stream()
                    .filter(l -> l.startsWith("IDENTIFY ")).findFirst().orElseThrow();
            assertThat(line).contains("version=" + PythonVersion.fromHex(Long.decode(t.readyLine())))
                    .contains("versionFromMemory=true");
            assertThat(PythonProbe.identify(t.pid()).orElseThrow().version().hex()).isEqualTo(Long.decode(t.readyLine()));
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void candidatesAreOffsetZeroMappingsOfPythonFilesThenTheExecutable() throws IOException {
        List<MemoryMap> maps = MapsParser.parse(dev.thaw.proc.MapsParserTest.resource("maps-python3.14.txt"));
        List<MemoryMap> c = PyRuntimeLocator.candidates(maps, -1);
        assertThat(c).hasSize(1);
        assertThat(c.get(0).start()).isEqualTo(0x400000L);
        MemoryMap libc = maps.stream().filter(m -> m.basename().equals("libc.so.6")).findFirst().orElseThrow();
        assertThat(PyRuntimeLocator.candidates(maps, libc.inode())).hasSize(2).last()
                .matches(m -> m.basename().equals("libc.so.6") && m.offset() == 0);
    }
}
