package dev.thaw.jvm.probe;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java text handed to the compiler for a probe.
 *
 * <p>Two forms are accepted. A compilation unit that declares a class implementing
 * {@code dev.thaw.agent.Probe} is compiled as it is. Anything without a class declaration is taken
 * as the body of {@code run(Map<String,String> params, PrintWriter out)} and wrapped in a class
 * {@value #SNIPPET_CLASS} with the usual imports, all written on the body's first line, so that
 * compiler and stack-trace line numbers are the caller's own.
 *
 * @param text       what the compiler sees
 * @param fileName   the compilation unit's file name (javac wants public classes in files named after them)
 * @param lineOffset subtract from compiler line numbers to get the caller's (0 for both forms)
 * @param snippet    the caller sent a method body
 */
public record ProbeSource(String text, String fileName, int lineOffset, boolean snippet) {

    public static final String SNIPPET_CLASS = "ThawProbe";

    private static final Pattern TYPE = Pattern.compile(
            "(?m)^[^\\n/*\"]*?\\b(?:class|record|enum|interface)\\s+([A-Za-z_$][A-Za-z0-9_$]*)");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^\\s*(?:@\\w+\\s+)*public\\s+(?:(?:final|abstract|static|sealed|non-sealed|strictfp)\\s+)*"
                    + "(?:class|record|enum|interface)\\s+([A-Za-z_$][A-Za-z0-9_$]*)");

    private static final String IMPORTS = "import java.io.*; import java.util.*; import java.util.concurrent.*;"
            + " import java.util.concurrent.locks.*; import java.lang.management.*; import java.lang.reflect.*;"
            + " import java.nio.file.*;";

    public static ProbeSource of(String code) {
        String stripped = stripComments(code);
        Matcher m = TYPE.matcher(stripped);
        if (!m.find()) {
            String text = IMPORTS + " public class " + SNIPPET_CLASS + " implements dev.thaw.agent.Probe {"
                    + " @Override public void run(Map<String, String> params, PrintWriter out) throws Exception { "
                    + code + "\n}}\n";
            return new ProbeSource(text, SNIPPET_CLASS + ".java", 0, true);
        }
        Matcher pub = PUBLIC_TYPE.matcher(stripped);
        String name = pub.find() ? pub.group(1) : m.group(1);
        return new ProbeSource(code, name + ".java", 0, false);
    }

    /** Comments and string contents blanked (same length), so a "class" in them is not taken for one. */
    static String stripComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                for (; i < end; i++) {
                    out.append(s.charAt(i) == '\n' ? '\n' : ' ');
                }
            } else if (c == '"') {
                boolean block = s.startsWith("\"\"\"", i);
                String close = block ? "\"\"\"" : "\"";
                out.append(block ? "\"\"\"" : "\"");
                i += close.length();
                while (i < s.length() && !s.startsWith(close, i) && (block || s.charAt(i) != '\n')) {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        out.append("  ");
                        i += 2;
                        continue;
                    }
                    out.append(s.charAt(i) == '\n' ? '\n' : ' ');
                    i++;
                }
                if (i < s.length() && s.startsWith(close, i)) {
                    out.append(close);
                    i += close.length();
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
