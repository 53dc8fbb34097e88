package dev.thaw.jvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The performance counters a HotSpot JVM publishes in its hsperfdata file
 * ({@code /tmp/hsperfdata_<user>/<nspid>}, reached from here through {@code /proc/PID/root}).
 *
 * <p>Reading this file is how jps and jcmd learn a JVM's version and whether it can be attached
 * without sending it anything, so it costs the target nothing. The format (HotSpot
 * {@code perfMemory.hpp}, version 2.0 on JDK 8 to 25): a 32-byte prologue, then a chain of
 * entries, each naming one counter. The JVM keeps appending entries while it runs, so the
 * parser trusts only what the prologue says is published and checks every offset: a torn or
 * foreign file gives fewer counters, never an exception other than {@link IllegalArgumentException}
 * for a file that is not hsperfdata at all.
 */
public final class HsPerfData {

    /** Stored big-endian whatever the byte order of the rest of the file. */
    static final int MAGIC = 0xcafec0c0;
    static final int PROLOGUE_SIZE = 32;
    private static final int ENTRY_HEADER_SIZE = 20;
    private static final byte TYPE_BYTE = 'B';
    private static final byte TYPE_LONG = 'J';

    private final int majorVersion;
    private final int minorVersion;
    private final boolean accessible;
    private final Map<String, Object> counters;

    private HsPerfData(int majorVersion, int minorVersion, boolean accessible, Map<String, Object> counters) {
        this.majorVersion = majorVersion;
        this.minorVersion = minorVersion;
        this.accessible = accessible;
        this.counters = Collections.unmodifiableMap(counters);
    }

    /**
     * Parses the bytes of an hsperfdata file.
     *
     * @throws IllegalArgumentException when the bytes do not start with the hsperfdata prologue
     */
    public static HsPerfData parse(byte[] bytes) {
        if (bytes.length < PROLOGUE_SIZE) {
            throw new IllegalArgumentException("too short for an hsperfdata file: " + bytes.length + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int magic = buf.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (magic != MAGIC) {
            throw new IllegalArgumentException(String.format("not an hsperfdata file (magic 0x%08x)", magic));
        }
        buf.order(bytes[4] == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int major = bytes[5];
        int minor = bytes[6];
        boolean accessible = bytes[7] != 0;
        int used = buf.getInt(8);
        int entryOffset = buf.getInt(24);
        int numEntries = buf.getInt(28);
        // "used" bounds what the JVM has finished writing; a file read mid-update must not be
        // read past it.
        int limit = used > 0 ? Math.min(used, bytes.length) : bytes.length;

        Map<String, Object> counters = new LinkedHashMap<>();
        int off = entryOffset;
        for (int i = 0; i < numEntries; i++) {
            if (off < PROLOGUE_SIZE || off + ENTRY_HEADER_SIZE > limit) {
                break;
            }
            int entryLength = buf.getInt(off);
            int nameOffset = buf.getInt(off + 4);
            int vectorLength = buf.getInt(off + 8);
            byte dataType = buf.get(off + 12);
            int dataOffset = buf.getInt(off + 16);
            if (entryLength < ENTRY_HEADER_SIZE || off + entryLength > limit) {
                break;
            }
            String name = cString(bytes, off + nameOffset, off + entryLength);
            Object value = value(buf, bytes, off + dataOffset, off + entryLength, vectorLength, dataType);
            if (name != null && value != null) {
                counters.put(name, value);
            }
            off += entryLength;
        }
        return new HsPerfData(major, minor, accessible, counters);
    }

    private static Object value(ByteBuffer buf, byte[] bytes, int start, int end, int vectorLength, byte type) {
        if (start < 0 || start >= end) {
            return null;
        }
        if (vectorLength == 0 && type == TYPE_LONG && start + 8 <= end) {
            return buf.getLong(start);
        }
        if (vectorLength > 0 && type == TYPE_BYTE) {
            // Strings are NUL-terminated byte vectors; the vector may be longer than the text.
            return cString(bytes, start, Math.min(end, start + vectorLength));
        }
        return null; // other vector types (none are used by HotSpot today) are skipped
    }

    private static String cString(byte[] bytes, int start, int end) {
        if (start < 0 || start > end || end > bytes.length) {
            return null;
        }
        int nul = start;
        while (nul < end && bytes[nul] != 0) {
            nul++;
        }
        return new String(bytes, start, nul - start, StandardCharsets.UTF_8);
    }

    /** Every counter by name: {@link String} for byte vectors, {@link Long} for long counters. */
    public Map<String, Object> counters() {
        return counters;
    }

    public Optional<String> string(String name) {
        Object v = counters.get(name);
        return v instanceof String s ? Optional.of(s) : Optional.empty();
    }

    public OptionalLong longValue(String name) {
        Object v = counters.get(name);
        return v instanceof Long l ? OptionalLong.of(l) : OptionalLong.empty();
    }

    /** Exactly {@code System.getProperty("java.version")} of the target, e.g. {@code 17.0.15}. */
    public Optional<String> javaVersion() {
        return nonBlank("java.property.java.version");
    }

    public Optional<String> vmName() {
        return nonBlank("java.property.java.vm.name");
    }

    public Optional<String> vmVersion() {
        return nonBlank("java.property.java.vm.version");
    }

    public Optional<String> vmVendor() {
        return nonBlank("java.property.java.vm.vendor");
    }

    /** The target's java.home, as a path in the target's mount namespace. */
    public Optional<String> javaHome() {
        return nonBlank("java.property.java.home");
    }

    /** JVM options as the JVM received them, including JAVA_TOOL_OPTIONS and JDK_JAVA_OPTIONS. */
    public Optional<String> vmArgs() {
        return string("java.rt.vmArgs");
    }

    /** The main class or jar and its arguments. */
    public Optional<String> javaCommand() {
        return nonBlank("sun.rt.javaCommand");
    }

    /**
     * Whether the attach mechanism is on: the first character of {@code sun.rt.jvmCapabilities}
     * (the same check {@code VirtualMachine.attach} makes before sending anything). Empty when
     * the counter is absent.
     */
    public Optional<Boolean> attachable() {
        return nonBlank("sun.rt.jvmCapabilities").map(c -> c.charAt(0) == '1');
    }

    public int majorVersion() {
        return majorVersion;
    }

    public int minorVersion() {
        return minorVersion;
    }

    /** False while the JVM is still initialising the file (or after it detached it). */
    public boolean accessible() {
        return accessible;
    }

    private Optional<String> nonBlank(String name) {
        return string(name).filter(s -> !s.isBlank());
    }
}
