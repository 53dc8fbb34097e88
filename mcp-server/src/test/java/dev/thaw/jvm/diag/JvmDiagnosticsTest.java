package dev.thaw.jvm.diag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.ProcFs;
import dev.thaw.testing.TestJdks;
import dev.thaw.testing.TestJdks.Target;
import dev.thaw.testing.jvm.ProbeTarget;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Agent-less diagnostics against real JDK 17 and 25 JVMs. */
class JvmDiagnosticsTest {

    private final JvmDiagnostics diag = new JvmDiagnostics(new AttachClients(ProcFs.system()));

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {8, 11, 17, 21, 25})
    void everyCommand(int feature) {
        try (Target t = TestJdks.start(TestJdks.require(feature), ProbeTarget.class)) {
            JvmDiagnostic h = diag.run(t.pid(), "class_histogram", false, 5);
            assertThat(h.jcmd()).isEqualTo("GC.class_histogram -all");
            assertThat(h.forcedGc()).isFalse();
            assertThat(h.histogram().top()).hasSize(5);
            assertThat(h.histogram().top()).isSortedAccordingTo((a, b) -> Long.compare(b.bytes(), a.bytes()));
            assertThat(h.histogram().classes()).isGreaterThan(300);
            assertThat(h.histogram().totalBytes()).isGreaterThanOrEqualTo(
                    h.histogram().top().stream().mapToLong(ClassHistogram.Entry::bytes).sum());
            if (feature >= 9) {
                assertThat(h.histogram().top().get(0).module()).startsWith("java.base@");
            } else {
                assertThat(h.histogram().top().get(0).module()).isNull(); // no modules on JDK 8
            }
            String text = JvmDiagnosticText.render(h);
            assertThat(text).contains("classes (all objects, no GC").contains("top 5 by bytes");

            JvmDiagnostic live = diag.run(t.pid(), "class_histogram", true, 3);
            assertThat(live.forcedGc()).isTrue();
            assertThat(live.histogram().liveOnly()).isTrue();
            assertThat(JvmDiagnosticText.render(live)).contains("forced a full GC");

            JvmDiagnostic props = diag.run(t.pid(), "system_properties", false, null);
            assertThat(props.properties()).containsEntry("java.version", t.ready("version"));
            JvmDiagnostic flags = diag.run(t.pid(), "vm_flags", false, null);
            assertThat(flags.flags()).allMatch(f -> f.startsWith("-XX:")).anyMatch(f -> f.startsWith("-XX:MaxHeapSize="));
            if (feature >= 9) {
                JvmDiagnostic info = diag.run(t.pid(), "vm_info", false, null);
                assertThat(info.text()).contains("Host:");
            } else {
                // VM.info is JDK 9+: refused, with what to use instead
                assertThatThrownBy(() -> diag.run(t.pid(), "vm_info", false, null)).isInstanceOfSatisfying(
                        ThawException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.JVM_COMMAND_UNAVAILABLE);
                            assertThat(e.getMessage()).contains("came with JDK 9");
                            assertThat(e.fix()).contains("system_properties").contains("vm_flags");
                        });
            }
            JvmDiagnostic heap = diag.run(t.pid(), "heap_info", false, null); // 8u504 has GC.heap_info too
            assertThat(heap.text()).containsPattern("(?i)heap|Gen "); // JDK 8: "PSYoungGen ... ParOldGen"
            assertThat(t.stderr()).isEmpty();
            assertThat(t.isAlive()).isTrue();
        }
    }

    @Test
    void badArgumentsAreClearRefusals() {
        assertThatThrownBy(() -> diag.run(1, "thread_dump", false, null)).isInstanceOf(ThawException.class)
                .hasMessageContaining("Unknown JVM diagnostic").extracting(e -> ((ThawException) e).fix())
                .asString().contains("class_histogram");
        assertThatThrownBy(() -> diag.run(1, "vm_flags", true, null)).hasMessageContaining("live applies to class_histogram");
        assertThatThrownBy(() -> diag.run(1, "class_histogram", false, 0)).hasMessageContaining("top must be");
        assertThatThrownBy(() -> diag.run(1, "vm_flags", false, null)).isInstanceOf(ThawException.class)
                .hasMessageContaining("not a HotSpot JVM");
    }

    @Test
    void histogramParsing() {
        String text = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:          5623         456960  [B (java.base@17.0.15)
                   2:          1000         900000  com.example.Big
                   3:            10             80  java.lang.Object (java.base@17.0.15)
                Total          6633        1357040
                """;
        ClassHistogram h = ClassHistogram.parse(text, 2, false);
        assertThat(h.top()).extracting(ClassHistogram.Entry::className).containsExactly("com.example.Big", "[B");
        assertThat(h.top().get(0).module()).isNull();
        assertThat(h.classes()).isEqualTo(3);
        assertThat(h.totalBytes()).isEqualTo(1357040);
        assertThat(h.totalInstances()).isEqualTo(6633);
    }
}
