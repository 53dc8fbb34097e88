package dev.thaw.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * {@link Kit#disassemble} on its own: through the real javap tool provider of the JDK running the tests, on
 * a class of the test class path, filtered to one method; and in a real JVM started without the jdk.jdeps
 * module (what a JRE or a jlinked image is), where the answer is the one-line reason.
 */
class KitDisassembleTest {

    /** Two handlers: one swallows what it gets, one prints it. */
    static final class Handlers {
        void swallow(Throwable e) {
        }

        void print(Throwable e) {
            System.err.println("failed: " + e);
        }
    }

    @Test
    void disassemblesOneMethodThroughJavap() {
        String swallow = Kit.disassemble(Handlers.class, "swallow");
        assertThat(swallow).startsWith("  void swallow(java.lang.Throwable);\n").contains("Code:").contains("return")
                .doesNotContain("print(").doesNotContain("invoke");
        String print = Kit.disassemble(Handlers.class, "print");
        assertThat(print).contains("void print(java.lang.Throwable);")
                .contains("Field java/lang/System.err:Ljava/io/PrintStream;")
                .contains("Method java/io/PrintStream.println:(Ljava/lang/String;)V")
                .doesNotContain("swallow");
        String all = Kit.disassemble(Handlers.class, null);
        assertThat(all).contains("class dev.thaw.agent.KitDisassembleTest$Handlers").contains("swallow").contains("print");
        assertThat(Kit.disassemble(Handlers.class, "noSuchMethod")).isEmpty();
    }

    @Test
    void aJdkClassIsFoundWithoutAClassPath() {
        assertThat(Kit.disassemble(Thread.UncaughtExceptionHandler.class, "uncaughtException"))
                .contains("public abstract void uncaughtException(java.lang.Thread, java.lang.Throwable);");
    }

    @Test
    void withoutJdkJdepsTheAnswerIsTheReason() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "--limit-modules", "java.base,java.instrument", "-cp",
                System.getProperty("java.class.path"), NoJavap.class.getName()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8).trim())
                .isEqualTo("no javap in this JVM (a JRE, or the jdk.jdeps module is absent)");
    }

    /** Run in a JVM limited to java.base: prints what the kit answers. */
    public static final class NoJavap {
        public static void main(String[] args) {
            System.out.println(Kit.disassemble(String.class, "length"));
        }
    }
}
