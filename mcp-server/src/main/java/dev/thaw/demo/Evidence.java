package dev.thaw.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which parts of an answer key the tool outputs of a diagnosis actually name. The demo prints it; the
 * end-to-end tests assert on it, so "the diagnosis finds the root cause" means the same in both.
 */
public final class Evidence {

    /** One fact of the key and the steps whose output names it (empty: not found). */
    public record Found(String category, String fact, List<String> steps) {
        public boolean found() {
            return !steps.isEmpty();
        }
    }

    private Evidence() {
    }

    /**
     * @param key     the answer key
     * @param outputs step label (e.g. "snapshot", "py.thread_pools") to the text a model would read
     */
    public static List<Found> check(AnswerKey key, Map<String, String> outputs) {
        List<Found> found = new ArrayList<>();
        key.facts().forEach((category, facts) -> {
            for (String fact : facts) {
                List<String> steps = new ArrayList<>();
                outputs.forEach((step, text) -> {
                    if (names(text, fact)) {
                        steps.add(step);
                    }
                });
                found.add(new Found(category, fact, steps));
            }
        });
        return found;
    }

    /** The facts no output names, by category. */
    public static Map<String, List<String>> missing(List<Found> found) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Found f : found) {
            if (!f.found()) {
                out.computeIfAbsent(f.category(), c -> new ArrayList<>()).add(f.fact());
            }
        }
        return out;
    }

    /**
     * A fact is named when its text appears ({@code *} matching any run of non-blanks), or for a qualified name like {@code Class.method} or
     * {@code java.lang.Object (LEDGER)}, when its most specific part does: {@code method} shows up as
     * {@code Class.method(File.java:30)} in a dump and as {@code method} in a Python stack.
     */
    public static boolean names(String text, String fact) {
        if (fact.contains("*")) { // a name the runtime chooses, e.g. ForkJoinPool.commonPool-worker-*
            return java.util.regex.Pattern.compile(AnswerKey.wildcard(fact, "\\S*")).matcher(text).find();
        }
        if (text.contains(fact)) {
            return true;
        }
        String core = AnswerKey.core(fact);
        return !core.isEmpty() && !core.equals(fact) && text.contains(core);
    }
}
