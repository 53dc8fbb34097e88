package dev.thaw.proc;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parses /proc/PID/maps recorded from real sid python3.14 processes. */
public class MapsParserTest {

    public static String resource(String name) throws IOException {
        try (InputStream in = MapsParserTest.class.getResourceAsStream("/proc/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesARealPythonProcess() throws IOException {
        List<MemoryMap> maps = MapsParser.parse(resource("maps-python3.14.txt"));
        assertThat(maps).hasSize(46);
        MemoryMap first = maps.get(0);
        assertThat(first.start()).isEqualTo(0x400000L);
        assertThat(first.end()).isEqualTo(0x422000L);
        assertThat(first.perms()).isEqualTo("r--p");
        assertThat(first.offset()).isZero();
        assertThat(first.device()).isEqualTo("fe:00");
        assertThat(first.path()).isEqualTo("/var/lib/thaw/sid/usr/bin/python3.14");
        assertThat(first.basename()).isEqualTo("python3.14");
        assertThat(first.deleted()).isFalse();
        assertThat(first.isFile()).isTrue();
        MemoryMap rw = maps.get(4);
        assertThat(rw.writable()).isTrue();
        assertThat(rw.offset()).isEqualTo(0x751000L);
        assertThat(rw.mapFilesName()).isEqualTo("b51000-bee000");
        // anonymous and pseudo mappings
        assertThat(maps.get(5).path()).isEmpty();
        assertThat(maps.get(5).isFile()).isFalse();
        assertThat(maps).anyMatch(m -> m.path().equals("[heap]") && !m.isFile());
        assertThat(maps).anyMatch(m -> m.path().equals("[vsyscall]") && m.start() == 0xffffffffff600000L);
    }

    @Test
    void deletedBinaryInADirectoryWithSpaces() throws IOException {
        List<MemoryMap> maps = MapsParser.parse(resource("maps-python3.14-deleted-space.txt"));
        MemoryMap first = maps.get(0);
        assertThat(first.path()).isEqualTo("/var/lib/thaw/sid/tmp/thaw rec dir/python3.14");
        assertThat(first.deleted()).isTrue();
        assertThat(first.basename()).isEqualTo("python3.14");
        assertThat(first.sameFileAs(maps.get(4))).isTrue();
    }

    @Test
    void pathWithTrailingSpacesIsKept() {
        MemoryMap m = MapsParser.parseLine("7f00-7f10 r-xp 00001000 08:01 42     /opt/my app/lib x.so ");
        assertThat(m.path()).isEqualTo("/opt/my app/lib x.so ");
        assertThat(m.offset()).isEqualTo(0x1000);
        assertThat(m.executable()).isTrue();
    }

    @Test
    void lineWithoutPath() {
        MemoryMap m = MapsParser.parseLine("7f00-7f10 rw-p 00000000 00:00 0");
        assertThat(m.path()).isEmpty();
        assertThat(m.inode()).isZero();
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> MapsParser.parseLine("hello")).isInstanceOf(IllegalArgumentException.class);
    }
}
