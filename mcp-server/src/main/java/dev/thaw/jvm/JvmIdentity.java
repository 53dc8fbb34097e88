package dev.thaw.jvm;

/**
 * What a HotSpot process is, read from /proc and its hsperfdata file without sending it anything.
 *
 * @param javaVersion   exactly the target's {@code java.version}, e.g. {@code 17.0.15}; null when
 *                      neither hsperfdata nor the release file could be read
 * @param vmName        {@code java.vm.name}, e.g. {@code OpenJDK 64-Bit Server VM}; null when
 *                      only the release file was available (it does not record the VM name)
 * @param vendor        {@code java.vm.vendor}, or the release file's IMPLEMENTOR; may be null
 * @param javaHome      java.home as the target sees it (resolve through /proc/PID/root); may be null
 * @param versionSource {@link #FROM_HSPERFDATA}, {@link #FROM_RELEASE_FILE}, {@link #FROM_RT_JAR} or
 *                      {@link #FROM_NOTHING}
 * @param attach        whether and how thaw can attach
 */
public record JvmIdentity(
        String javaVersion,
        String vmName,
        String vendor,
        String javaHome,
        String versionSource,
        AttachState attach) {

    public static final String FROM_HSPERFDATA = "hsperfdata";
    public static final String FROM_RELEASE_FILE = "release-file";
    /** JDK 8 runtimes without a release file (Debian's JRE 8): {@code lib/rt.jar}'s manifest. */
    public static final String FROM_RT_JAR = "rt.jar";
    public static final String FROM_NOTHING = "unknown";

    /** The feature release (17 for "17.0.15", 8 for "1.8.0_412"), or 0 when the version is unknown. */
    public int featureVersion() {
        return featureVersionOf(javaVersion);
    }

    public static int featureVersionOf(String version) {
        if (version == null || version.isEmpty()) {
            return 0;
        }
        String v = version.startsWith("1.") ? version.substring(2) : version;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
    }
}
