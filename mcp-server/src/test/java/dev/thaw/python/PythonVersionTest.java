package dev.thaw.python;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PythonVersionTest {

    @Test
    void finalRelease() {
        PythonVersion v = PythonVersion.fromHex(0x030E0AF0L);
        assertThat(v).isEqualTo(new PythonVersion(3, 14, 10, "final", 0, 0x030E0AF0L));
        assertThat(v.toString()).isEqualTo("3.14.10");
        assertThat(v.isFinal()).isTrue();
        assertThat(v.minorVersion()).isEqualTo("3.14");
    }

    @Test
    void preReleases() {
        assertThat(PythonVersion.fromHex(0x030F00A2L).toString()).isEqualTo("3.15.0a2");
        assertThat(PythonVersion.fromHex(0x030F00B1L).toString()).isEqualTo("3.15.0b1");
        assertThat(PythonVersion.fromHex(0x030F00C3L).toString()).isEqualTo("3.15.0rc3");
        assertThat(PythonVersion.fromHex(0x030F00C3L).releaseLevel()).isEqualTo("candidate");
        assertThat(PythonVersion.fromHex(0x030F00A2L).isFinal()).isFalse();
    }

    @Test
    void plausibility() {
        assertThat(PythonVersion.plausible(0x030D12F0L)).isTrue();
        assertThat(PythonVersion.plausible(0x020712F0L)).isFalse();
        assertThat(PythonVersion.plausible(0x030E0A00L)).isFalse();
        assertThat(PythonVersion.plausible(0x1_030E0AF0L)).isFalse();
        assertThatThrownBy(() -> PythonVersion.fromHex(0x030E0A10L)).isInstanceOf(IllegalArgumentException.class);
    }
}
