package dev.thaw.demo;

import dev.thaw.Json;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scenario's answer key ({@code /scenarios/<name>.answer.json} in sample-deadlock-app): what makes
 * up the root cause, machine-readable, where each part shows, and the postmortem in words. The one
 * reader of these files: the demo, the end-to-end diagnosis test and the scenario tests all use it.
 *
 * <p>Naming rules of the parts: {@code *} in a thread name matches what the runtime chooses (e.g.
 * {@code ForkJoinPool.commonPool-worker-*}); a trailing {@code " (hint)"} is words for people, not
 * part of the name ({@link #core}); a Java frame is {@code SimpleClass.method}.
 *
 * @param scenario     the scenario's name, as printed in its {@code scenario=} line
 * @param script       for Python scenarios, the script under {@code scenarios/python/}; else null
 * @param runtime      {@code cpython} or {@code hotspot}
 * @param kind         deadlock, starvation, lost-wakeup, self-deadlock, ...
 * @param requiresJava for Java scenarios, the lowest feature release they run on (null: any)
 * @param injectable   whether an injected script can run in the hung process (null: not said)
 * @param parts        the root cause by category ({@link #CATEGORIES}), each a list of names
 * @param visibleIn    where each category shows: {@code snapshot}, {@code diagnostics}, {@code source}
 *                     to category names (the Java keys also list {@code deadlock} under snapshot, and
 *                     catalog ids under diagnostics)
 * @param postmortem   the root cause and the fix, in words
 * @param json         the whole key, for fields only one test reads
 */
public record AnswerKey(String scenario, String script, String runtime, String kind, Integer requiresJava,
                        Boolean injectable, Map<String, List<String>> parts, Map<String, List<String>> visibleIn,
                        String postmortem, JsonNode json) {

    public static final List<String> CATEGORIES = List.of("threads", "frames", "locks", "greenlets", "tasks", "work_items");

    /** The key of a scenario, from the class path. */
    public static AnswerKey load(String scenario) {
        return parse(Scenario.resource("/scenarios/" + scenario + ".answer.json"));
    }

    public static AnswerKey parse(String text) {
        JsonNode n = Json.mapper().readTree(text);
        Map<String, List<String>> parts = new LinkedHashMap<>();
        for (String c : CATEGORIES) {
            parts.put(c, strings(n.get(c)));
        }
        Map<String, List<String>> visible = new LinkedHashMap<>();
        JsonNode v = n.path("visible_in");
        for (String where : v.propertyNames()) {
            visible.put(where, strings(v.get(where)));
        }
        JsonNode java = n.get("requires_java");
        JsonNode injectable = n.get("injectable");
        return new AnswerKey(text(n, "scenario"), text(n, "script"), text(n, "runtime"), text(n, "kind"),
                java == null || java.isNull() ? null : java.asInt(),
                injectable == null || injectable.isNull() ? null : injectable.asBoolean(),
                parts, visible, text(n, "postmortem"), n);
    }

    public List<String> threads() {
        return parts.get("threads");
    }

    public List<String> frames() {
        return parts.get("frames");
    }

    public List<String> locks() {
        return parts.get("locks");
    }

    public List<String> greenlets() {
        return parts.get("greenlets");
    }

    public List<String> tasks() {
        return parts.get("tasks");
    }

    public List<String> workItems() {
        return parts.get("work_items");
    }

    /**
     * The findings a correct snapshot raises for this scenario: the kinds that must be among them, and
     * the names (threads, functions, objects) those findings must name. Empty when the key expects none
     * (a hang only a diagnostic can see).
     */
    public List<String> findingKinds() {
        return strings(json.path("findings").get("kinds"));
    }

    public List<String> findingNames() {
        return strings(json.path("findings").get("names"));
    }

    /** Whether {@code item} (a category, or {@code deadlock}) shows in {@code where} (snapshot, diagnostics, source). */
    public boolean visible(String item, String where) {
        return visibleIn.getOrDefault(where, List.of()).contains(item);
    }

    /**
     * What thaw's outputs can show, by category: the non-empty parts the key says a snapshot or a
     * catalog diagnostic shows. Facts visible only in the source code are left out.
     */
    public Map<String, List<String>> facts() {
        Map<String, List<String>> facts = new LinkedHashMap<>();
        parts.forEach((category, names) -> {
            if (!names.isEmpty() && (visible(category, "snapshot") || visible(category, "diagnostics"))) {
                facts.put(category, names);
            }
        });
        return facts;
    }

    /** For Java scenarios: the lowest feature release they run on (17, the sample app's release, unless said). */
    public int minJava() {
        return requiresJava == null ? 17 : requiresJava;
    }

    /** Thread entries without a wildcard: names a snapshot must show exactly. */
    public List<String> exactThreads() {
        return threads().stream().filter(t -> !t.contains("*")).toList();
    }

    /** A name without its trailing {@code " (hint for people)"}: {@code java.lang.Object (LEDGER)} is {@code java.lang.Object}. */
    public static String core(String entry) {
        return entry.replaceAll("\\s*\\(.*\\)$", "");
    }

    /** The regular expression of a name with {@code *} wildcards, each standing for {@code any}. */
    public static String wildcard(String entry, String any) {
        return Arrays.stream(entry.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(any));
    }

    /** Whether a thread's whole name matches a key entry ({@code *}: any run of characters). */
    public static boolean nameMatches(String entry, String name) {
        return name != null && name.matches(wildcard(entry, ".*"));
    }

    /** Whether a qualified function is the key's frame: {@code a.b.Outer$Inner.run} is {@code Outer$Inner.run}. */
    public static boolean frameMatches(String keyFrame, String function) {
        return function != null && (function.equals(keyFrame) || function.endsWith("." + keyFrame));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    /** A JSON array of strings; anything else in it shows as {@code <not a string>} (the key tests catch it). */
    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(e -> out.add(e.isString() ? e.asString() : "<not a string>"));
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return scenario;
    }
}
