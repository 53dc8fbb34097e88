package dev.thaw.jvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** Parses hsperfdata files recorded from real JDK 17.0.15 (Debian) and 25.0.3 (Temurin) JVMs. */
class HsPerfDataTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream in = HsPerfDataTest.class.getResourceAsStream("/jvm/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void jdk17() throws IOException {
        HsPerfData p = HsPerfData.parse(resource("hsperfdata-jdk17.bin"));
        assertThat(p.majorVersion()).isEqualTo(2);
        assertThat(p.accessible()).isTrue();
        assertThat(p.javaVersion()).contains("17.0.15");
        assertThat(p.vmName()).contains("OpenJDK 64-Bit Server VM");
        assertThat(p.vmVersion()).contains("17.0.15+6-Debian-1deb12u1");
        assertThat(p.vmVendor()).contains("Debian");
        assertThat(p.javaHome()).contains("/usr/lib/jvm/java-17-openjdk-amd64");
        assertThat(p.attachable()).contains(true);
        assertThat(p.vmArgs()).contains("");
        assertThat(p.javaCommand()).contains("Idle");
        assertThat(p.longValue("sun.rt.jvmVersion")).isPresent();
        assertThat(p.counters()).hasSizeGreaterThan(150);
    }

    @Test
    void jdk25() throws IOException {
        HsPerfData p = HsPerfData.parse(resource("hsperfdata-jdk25.bin"));
        assertThat(p.javaVersion()).contains("25.0.3");
        assertThat(p.vmVersion()).contains("25.0.3+9-LTS");
        assertThat(p.vmVendor()).contains("Eclipse Adoptium");
        assertThat(p.javaHome()).contains("/usr/lib/jvm/temurin-25-jdk-amd64");
        assertThat(p.attachable()).contains(true);
        assertThat(p.longValue("sun.os.hrt.frequency")).hasValue(1_000_000_000L);
    }

    @Test
    void attachDisabledShowsInCapabilitiesAndVmArgs() throws IOException {
        HsPerfData p = HsPerfData.parse(resource("hsperfdata-jdk25-attach-disabled.bin"));
        assertThat(p.attachable()).contains(false);
        assertThat(p.vmArgs()).contains("-XX:+DisableAttachMechanism -XX:-EnableDynamicAgentLoading");
    }

    @Test
    void truncatedFileGivesFewerCountersNotAnError() throws IOException {
        byte[] full = resource("hsperfdata-jdk17.bin");
        HsPerfData p = HsPerfData.parse(Arrays.copyOf(full, 2000));
        assertThat(p.counters()).isNotEmpty().hasSizeLessThan(HsPerfData.parse(full).counters().size());
    }

    @Test
    void notHsPerfData() {
        assertThatThrownBy(() -> HsPerfData.parse(new byte[64])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("magic");
        assertThatThrownBy(() -> HsPerfData.parse(new byte[3])).isInstanceOf(IllegalArgumentException.class);
    }
}
