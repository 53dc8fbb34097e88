package dev.thaw.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Python probe kit ({@code thaw/catalog/kit/thaw_kit.py}, served as the resource
 * {@code thaw://catalog/kit/thaw_kit.py}) and how a script gets it: a Python script that names
 * {@code thaw_kit} runs with one line in front of it that builds the module {@code thaw_kit} from the
 * kit's text, in the script's own namespace only (nothing is added to {@code sys.modules}), with the
 * kit's version and sha256 in a comment. That line is part of the text thaw records and hashes, so what
 * is logged is exactly what ran.
 *
 * <p>Line numbers stay the script's own when its first line is blank or a comment (every catalog entry
 * starts with {@code # thaw-diagnostic}): the kit line takes that line's place and keeps the comment.
 * Otherwise the script starts on line 2.
 */
public final class PythonKit {

    public static final String PATH = "kit/thaw_kit.py";
    public static final String RESOURCE = "thaw://catalog/" + PATH;
    /** Scripts that use the kit name it: the kit is only put in front of those. */
    public static final String MODULE = "thaw_kit";

    private static final Pattern VERSION = Pattern.compile("(?m)^VERSION = \"([^\"]+)\"$");
    private static volatile PythonKit system;

    private final String text;
    private final String version;
    private final String sha256;
    private final String prelude;

    PythonKit(String text) {
        this.text = text;
        Matcher m = VERSION.matcher(text);
        this.version = m.find() ? m.group(1) : "?";
        this.sha256 = sha256(text);
        StringBuilder sb = new StringBuilder(text.length() + 400);
        sb.append("thaw_kit = type(__import__('sys'))('thaw_kit'); exec(compile(");
        literal(sb, text);
        sb.append(", '<thaw_kit>', 'exec', dont_inherit=True), thaw_kit.__dict__)  # thaw_kit ").append(version)
                .append(" sha256:").append(sha256).append(" = ").append(RESOURCE);
        this.prelude = sb.toString();
    }

    /** The kit shipped with this thaw. */
    public static PythonKit system() {
        PythonKit k = system;
        if (k == null) {
            synchronized (PythonKit.class) {
                if (system == null) {
                    system = new PythonKit(CatalogSources.system().read(PATH).orElseThrow(
                            () -> new IllegalStateException(PATH + " missing from the class path")));
                }
                k = system;
            }
        }
        return k;
    }

    public String text() {
        return text;
    }

    public String version() {
        return version;
    }

    public String sha256() {
        return sha256;
    }

    /** Whether {@code code} uses the kit. */
    public static boolean usedBy(String code) {
        return code != null && code.contains(MODULE);
    }

    /** The code that runs: {@code script} with the kit line in front when it uses the kit, else unchanged. */
    public String assemble(String script) {
        if (!usedBy(script) || script.startsWith("thaw_kit = type(")) {
            return script;
        }
        int eol = script.indexOf('\n');
        String first = eol < 0 ? script : script.substring(0, eol);
        String stripped = first.strip();
        if (stripped.isEmpty() || stripped.startsWith("#")) {
            String rest = eol < 0 ? "" : script.substring(eol);
            return prelude + (stripped.isEmpty() ? "" : " | " + stripped) + rest;
        }
        return prelude + "\n" + script;
    }

    /**
     * The code as a person reads it: the kit's line (if any) shortened to its comment, e.g.
     * {@code # thaw_kit 1 sha256:… = thaw://catalog/kit/thaw_kit.py | # thaw-diagnostic}; for renderings
     * (approval prompts, reports) that should not show the kit's text with every script.
     */
    public static String fold(String code) {
        if (code == null || !code.startsWith("thaw_kit = type(")) {
            return code;
        }
        int eol = code.indexOf('\n');
        String first = eol < 0 ? code : code.substring(0, eol);
        int comment = first.lastIndexOf("  # thaw_kit ");
        String shown = comment < 0 ? "# thaw_kit" : first.substring(comment + 2);
        return shown + (eol < 0 ? "" : code.substring(eol));
    }

    private static void literal(StringBuilder sb, String s) {
        sb.append('\'');
        s.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\U%08x", c));
                    } else {
                        sb.appendCodePoint(c);
                    }
                }
            }
        });
        sb.append('\'');
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
