package dev.thaw.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class JvmOptionsTest {

    @Test
    void lastSettingWinsAcrossSourcesInHotSpotOrder() {
        JvmOptions o = JvmOptions.of(null,
                List.of("/usr/bin/java", "-XX:-DisableAttachMechanism", "-cp", "x", "Main"),
                List.of("JAVA_TOOL_OPTIONS=-XX:+DisableAttachMechanism", "_JAVA_OPTIONS=-XX:-EnableDynamicAgentLoading"));
        assertThat(o.flag("DisableAttachMechanism")).contains(false);
        assertThat(o.flag("EnableDynamicAgentLoading")).contains(false);
        assertThat(o.flag("UseG1GC")).isEmpty();
    }

    @Test
    void programArgumentsAreNotJvmOptions() {
        assertThat(JvmOptions.launcherOptions(List.of("java", "-Xmx1g", "-cp", "-XX:+Nope", "Main", "-XX:+DisableAttachMechanism")))
                .containsExactly("-Xmx1g", "-cp");
        assertThat(JvmOptions.launcherOptions(List.of("java", "-jar", "app.jar", "-XX:+DisableAttachMechanism"))).isEmpty();
    }

    @Test
    void hsperfdataVmArgsComeFirst() {
        JvmOptions o = JvmOptions.of("-XX:+DisableAttachMechanism", List.of("java", "Main"), List.of());
        assertThat(o.flag("DisableAttachMechanism")).contains(true);
    }

    @Test
    void embeddedJvmTakesEveryXxArgument() {
        assertThat(JvmOptions.launcherOptions(List.of("/opt/app/bin/server", "run", "-XX:-EnableDynamicAgentLoading")))
                .containsExactly("-XX:-EnableDynamicAgentLoading");
    }
}
