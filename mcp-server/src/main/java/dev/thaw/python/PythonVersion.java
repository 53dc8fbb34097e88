package dev.thaw.python;

/**
 * A CPython version as encoded in {@code PY_VERSION_HEX}:
 * {@code major<<24 | minor<<16 | micro<<8 | level<<4 | serial}, level 0xA alpha, 0xB beta,
 * 0xC release candidate, 0xF final.
 *
 * @param releaseLevel {@code alpha}, {@code beta}, {@code candidate} or {@code final}
 *                     (the names of {@code sys.version_info.releaselevel})
 */
public record PythonVersion(int major, int minor, int micro, String releaseLevel, int serial, long hex) {

    public static PythonVersion fromHex(long hex) {
        int major = (int) ((hex >>> 24) & 0xff);
        int minor = (int) ((hex >>> 16) & 0xff);
        int micro = (int) ((hex >>> 8) & 0xff);
        int level = (int) ((hex >>> 4) & 0xf);
        int serial = (int) (hex & 0xf);
        String name = switch (level) {
            case 0xA -> "alpha";
            case 0xB -> "beta";
            case 0xC -> "candidate";
            case 0xF -> "final";
            default -> throw new IllegalArgumentException("not a PY_VERSION_HEX: 0x" + Long.toHexString(hex));
        };
        return new PythonVersion(major, minor, micro, name, serial, hex & 0xffffffffL);
    }

    /** True for a value that decodes as a CPython 3.x version; used to reject garbage behind a stray cookie. */
    public static boolean plausible(long hex) {
        int level = (int) ((hex >>> 4) & 0xf);
        return (hex >>> 32) == 0 && ((hex >>> 24) & 0xff) == 3 && (level >= 0xA && level <= 0xC || level == 0xF);
    }

    public boolean isFinal() {
        return "final".equals(releaseLevel);
    }

    /** {@code "3.14"}. */
    public String minorVersion() {
        return major + "." + minor;
    }

    /** {@code "3.14.10"}, or with the pre-release suffix as Python prints it: {@code "3.15.0a2"}, {@code "3.15.0rc1"}. */
    @Override
    public String toString() {
        String base = major + "." + minor + "." + micro;
        return switch (releaseLevel) {
            case "alpha" -> base + "a" + serial;
            case "beta" -> base + "b" + serial;
            case "candidate" -> base + "rc" + serial;
            default -> base;
        };
    }
}
