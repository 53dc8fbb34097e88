package dev.thaw.demo;

import dev.thaw.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scenario's answer key ({@code /scenarios/<name>.answer.json} in sample-deadlock-app): what makes
 * up the root cause, machine-readable, and the postmortem in words.
 *
 * @param scenario   the scenario's name
 * @param runtime    {@code cpython} or {@code hotspot}
 * @param kind       deadlock, starvation, lost-wakeup, ...
 * @param facts      the root cause's parts by category ({@code threads}, {@code frames}, {@code locks},
 *                   {@code greenlets}, {@code tasks}, {@code work_items}) that the key says a snapshot or a
 *                   catalog diagnostic shows ({@code visible_in}); each a list of names, {@code *} a wildcard
 * @param postmortem the root cause and the fix, in words
 */
public record AnswerKey(String scenario, String runtime, String kind, Map<String, List<String>> facts, String postmortem) {

    static final List<String> CATEGORIES = List.of("threads", "frames", "locks", "greenlets", "tasks", "work_items");

    @SuppressWarnings("unchecked")
    public static AnswerKey load(String scenario) {
        Map<String, Object> json = Json.mapper().readValue(Scenario.resource("/scenarios/" + scenario + ".answer.json"), Map.class);
        // Only what thaw's outputs can show counts: facts visible only in the source code are left out.
        java.util.Set<Object> visible = new java.util.HashSet<>();
        if (json.get("visible_in") instanceof Map<?, ?> where) {
            for (String place : List.of("snapshot", "diagnostics")) {
                if (where.get(place) instanceof List<?> l) {
                    visible.addAll(l);
                }
            }
        }
        Map<String, List<String>> facts = new LinkedHashMap<>();
        for (String c : CATEGORIES) {
            if (visible.contains(c) && json.get(c) instanceof List<?> l && !l.isEmpty()) {
                facts.put(c, l.stream().map(String::valueOf).toList());
            }
        }
        return new AnswerKey(String.valueOf(json.get("scenario")), String.valueOf(json.get("runtime")),
                String.valueOf(json.get("kind")), facts, String.valueOf(json.get("postmortem")));
    }
}
