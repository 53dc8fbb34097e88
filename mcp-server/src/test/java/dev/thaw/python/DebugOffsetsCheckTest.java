package dev.thaw.python;

import dev.thaw.ThawException;
import dev.thaw.ErrorCode;
import dev.thaw.proc.ElfFile;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The offsets table a target hands thaw is checked before use. Input: the real {@code .PyRuntime}
 * section of the 3.14 and 3.15 binaries (the table is initialised statically, so the file holds the
 * same bytes as a live process), then the same table with one value corrupted.
 */
class DebugOffsetsCheckTest {

    private static byte[] realTable(String version) {
        try (ElfFile elf = ElfFile.open(TestPythons.requireSidFile("/usr/bin/python" + version))) {
            byte[] raw = PyRuntimeLocator.describe(elf).staticBytes();
            assertThat(DebugOffsets.hasCookie(raw)).isTrue();
            return raw;
        }
    }

    private static byte[] with(byte[] raw, DebugField f, int minor, long value) {
        byte[] copy = raw.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(f.position(minor), value);
        return copy;
    }

    private static void refusedNaming(byte[] raw, String... words) {
        assertThatThrownBy(() -> DebugOffsets.decode(raw)).isInstanceOfSatisfying(ThawException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_LAYOUT);
            assertThat(e.getMessage()).contains(words);
            assertThat(e.fix()).contains("thaw doctor");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void theRealTablePasses(String version) {
        byte[] raw = realTable(version);
        int minor = Integer.parseInt(version.substring(2));
        assertThat(DebugOffsetsCheck.firstFailure(raw, minor)).isNull();
        DebugOffsets d = DebugOffsets.decode(raw);
        assertThat(d.version().minor()).isEqualTo(minor);
        // Every section thaw reads whole is smaller than its limit, and every field it reads lies inside.
        assertThat(d.thread().currentFrame()).isLessThan(d.thread().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void anOffsetPastItsSectionIsRefusedNamingFieldAndLimit(String version) {
        byte[] raw = realTable(version);
        int minor = Integer.parseInt(version.substring(2));
        long threadSize = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(DebugField.THREAD_SIZE.position(minor));
        refusedNaming(with(raw, DebugField.THREAD_CURRENT_FRAME, minor, threadSize - 4),
                "thread_state.current_frame=" + (threadSize - 4), "width 8", "thread_state.size " + threadSize);
        refusedNaming(with(raw, DebugField.CODE_QUALNAME, minor, 1L << 40), "code_object.qualname=", "code_object.size");
        // A negative (huge unsigned) offset cannot wrap around into the section.
        refusedNaming(with(raw, DebugField.INTERP_THREADS_HEAD, minor, -8), "interpreter_state.threads_head=18446744073709551608");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aMisalignedOffsetIsRefused(String version) {
        byte[] raw = realTable(version);
        int minor = Integer.parseInt(version.substring(2));
        refusedNaming(with(raw, DebugField.FRAME_PREVIOUS, minor, 12), "interpreter_frame.previous=12", "not aligned to 8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void aSectionSizeBeyondWhatThawReadsIsRefused(String version) {
        byte[] raw = realTable(version);
        int minor = Integer.parseInt(version.substring(2));
        refusedNaming(with(raw, DebugField.THREAD_SIZE, minor, 1 << 20), "thread_state.size=1048576", "65536");
        refusedNaming(with(raw, DebugField.FRAME_SIZE, minor, 0), "interpreter_frame.size=0", "greater than zero");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void thePep768FieldsMustFitTheThreadState(String version) {
        byte[] raw = realTable(version);
        int minor = Integer.parseInt(version.substring(2));
        long threadSize = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(DebugField.THREAD_SIZE.position(minor));
        // The 512-byte path buffer would end past the thread state: thaw would write into the next object.
        refusedNaming(with(raw, DebugField.DEBUGGER_REMOTE_SUPPORT, minor, threadSize - 256),
                "thread_state.remote_debugger_support.script_path=", "width 512", "thread_state.size " + threadSize);
        refusedNaming(with(raw, DebugField.DEBUGGER_SCRIPT_PATH_SIZE, minor, 4096),
                "debugger_support.script_path_size=4096", "512");
        refusedNaming(with(raw, DebugField.DEBUGGER_REMOTE_DEBUGGING_ENABLED, minor, 1L << 30),
                "debugger_support.remote_debugging_enabled=", "interpreter_state.size");
    }
}
