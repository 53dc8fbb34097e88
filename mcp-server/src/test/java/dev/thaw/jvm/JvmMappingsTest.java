package dev.thaw.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JvmMappingsTest {

    private static final String MAPS = """
            55d4c5e00000-55d4c5e01000 r--p 00000000 fe:00 328220                     /usr/lib/jvm/java-17-openjdk-amd64/bin/java
            7fcd51a00000-7fcd51c51000 r--p 00000000 fe:00 328261                     /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
            7fcd51c51000-7fcd529a4000 r-xp 00251000 fe:00 328261                     /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so
            7fcd52d12000-7fcd52d80000 rw-p 00000000 00:00 0
            7fcd52dfc000-7fcd52e04000 rw-s 00000000 fe:00 2154504                    /tmp/hsperfdata_root/17545
            7ffd1b5c2000-7ffd1b5e3000 rw-p 00000000 00:00 0                          [stack]
            """;

    @Test
    void findsLibjvmAndHsperfdata() {
        JvmMappings m = JvmMappings.parse(MAPS);
        assertThat(m.mapsLibjvm()).isTrue();
        assertThat(m.hsperfdata()).isEqualTo("/tmp/hsperfdata_root/17545");
        assertThat(m.javaHomeFromLibjvm()).contains("/usr/lib/jvm/java-17-openjdk-amd64");
    }

    @Test
    void jdk8LayoutAndDeletedPerfFile() {
        JvmMappings m = JvmMappings.parse("""
                7f0000000000-7f0000001000 r-xp 00000000 fe:00 1 /opt/jdk8/jre/lib/amd64/server/libjvm.so
                7f0000002000-7f0000003000 rw-s 00000000 fe:00 2 /tmp/hsperfdata_app/1 (deleted)
                """);
        assertThat(m.javaHomeFromLibjvm()).contains("/opt/jdk8/jre");
        assertThat(m.hsperfdata()).isNull();
    }

    @Test
    void notAJvm() {
        assertThat(JvmMappings.parse("00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/sleep\n").mapsLibjvm()).isFalse();
    }
}
