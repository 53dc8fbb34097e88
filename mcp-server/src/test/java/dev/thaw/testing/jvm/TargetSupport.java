package dev.thaw.testing.jvm;

/** The one line every target prints when it is set up; TestJdks waits for it. */
final class TargetSupport {

    private TargetSupport() {
    }

    @SuppressWarnings("java:S106") // a target program talks to its test through stdout
    static void ready(String... extra) {
        StringBuilder sb = new StringBuilder("READY pid=").append(ProcessHandle.current().pid())
                .append(" version=").append(System.getProperty("java.version"));
        for (String e : extra) {
            sb.append(' ').append(e);
        }
        System.out.println(sb);
        System.out.flush();
    }
}
