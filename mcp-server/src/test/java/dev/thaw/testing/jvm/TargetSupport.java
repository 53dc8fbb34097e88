package dev.thaw.testing.jvm;

/**
 * The one line every target prints when it is set up; TestJdks waits for it. Targets are compiled
 * at --release 8 (they run on JDK 8 to 25): no ProcessHandle, no var.
 */
final class TargetSupport {

    private TargetSupport() {
    }

    @SuppressWarnings("java:S106") // a target program talks to its test through stdout
    static void ready(String... extra) {
        StringBuilder sb = new StringBuilder("READY pid=").append(pid())
                .append(" version=").append(System.getProperty("java.version"));
        for (String e : extra) {
            sb.append(' ').append(e);
        }
        System.out.println(sb);
        System.out.flush();
    }

    /**
     * The JVM's own pid (getpid(), in its PID namespace): RuntimeMXBean's name is "pid@host" on
     * every HotSpot from 8 on. Not /proc/self, which names the pid of whoever mounted that /proc.
     */
    static String pid() {
        String name = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        return name.substring(0, name.indexOf('@'));
    }
}
