package dev.thaw.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Java scenario's answer key ({@code /scenarios/<name>.answer.json} in sample-deadlock-app), with
 * the matching rules the tests apply to thaw's snapshot:
 * <ul>
 * <li>{@code threads}: thread names; {@code *} matches any run of characters (for names the runtime
 *     chooses, such as common-pool workers); each entry is a distinct thread.</li>
 * <li>{@code frames}: {@code SimpleClass.method} ({@code Outer$Inner.method} for a nested class); a
 *     snapshot frame matches when its qualified function ends with {@code .SimpleClass.method}.</li>
 * <li>{@code locks}: the lock's class as thaw prints it ({@code (a X)} or {@code park on X@...}),
 *     then a human hint in parentheses: {@link #lockClass} is the part before {@code " ("}.</li>
 * <li>{@code visible_in.snapshot}: which of threads, frames, locks, and {@code deadlock} (the
 *     snapshot's deadlock cycle is exactly {@code threads}) a correct diagnosis sees in thaw's
 *     snapshot; {@code visible_in.diagnostics}: the JVM catalog entries that expose the cause.</li>
 * </ul>
 */
record JavaAnswerKey(String scenario, String runtime, String kind, Integer requiresJava, List<String> threads,
                     List<String> frames, List<String> locks, List<String> visibleInSnapshot,
                     List<String> visibleInDiagnostics, String postmortem, JsonNode json) {

    static final List<String> SNAPSHOT_ITEMS = List.of("threads", "frames", "locks", "deadlock");

    static String resource(String scenario) {
        return "/scenarios/" + scenario + ".answer.json";
    }

    static JavaAnswerKey load(String scenario) {
        try (InputStream in = JavaAnswerKey.class.getResourceAsStream(resource(scenario))) {
            if (in == null) {
                throw new IllegalStateException("no answer key " + resource(scenario) + " for " + scenario);
            }
            JsonNode j = JsonMapper.builder().build().readTree(in);
            JsonNode vis = j.path("visible_in");
            return new JavaAnswerKey(text(j, "scenario"), text(j, "runtime"), text(j, "kind"),
                    j.has("requires_java") ? j.get("requires_java").asInt() : null, strings(j.path("threads")),
                    strings(j.path("frames")), strings(j.path("locks")), strings(vis.path("snapshot")),
                    strings(vis.path("diagnostics")), text(j, "postmortem"), j);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lowest feature release the scenario runs on. */
    int minJava() {
        return requiresJava == null ? 17 : requiresJava;
    }

    boolean visible(String item) {
        return visibleInSnapshot.contains(item);
    }

    /** Thread entries without a wildcard: names the snapshot must show exactly. */
    List<String> exactThreads() {
        return threads.stream().filter(t -> !t.contains("*")).toList();
    }

    static boolean nameMatches(String entry, String name) {
        if (name == null) {
            return false;
        }
        String regex = Arrays.stream(entry.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
        return name.matches(regex);
    }

    static boolean frameMatches(String keyFrame, String function) {
        return function != null && (function.equals(keyFrame) || function.endsWith("." + keyFrame));
    }

    static String lockClass(String keyLock) {
        int paren = keyLock.indexOf(" (");
        return paren < 0 ? keyLock : keyLock.substring(0, paren);
    }

    private static String text(JsonNode j, String field) {
        JsonNode n = j.get(field);
        return n == null || n.isNull() ? null : n.asString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            for (JsonNode n : array) {
                out.add(n.isString() ? n.asString() : null);
            }
        }
        return List.copyOf(out.stream().map(s -> s == null ? "<not a string>" : s).toList());
    }
}
