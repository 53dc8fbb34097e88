package dev.thaw.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether the findings thaw raised (a snapshot's {@code findings}, as the MCP tool returns them) carry
 * the answer key's root cause: every kind the key expects is among them, and every name the key lists
 * appears in the summary or evidence of one of those findings. The demo prints it; the end-to-end
 * tests assert it.
 */
public final class FindingsCheck {

    /** One expectation of the key ({@code kind} or {@code name}) and whether the findings meet it. */
    public record Item(String what, String expected, boolean met) {
    }

    private FindingsCheck() {
    }

    public static List<Item> check(AnswerKey key, List<Map<String, Object>> findings) {
        List<Item> out = new ArrayList<>();
        List<Map<String, Object>> matching = new ArrayList<>();
        for (String kind : key.findingKinds()) {
            List<Map<String, Object>> of = findings.stream().filter(f -> kind.equals(f.get("kind"))).toList();
            matching.addAll(of);
            out.add(new Item("kind", kind, !of.isEmpty()));
        }
        for (String name : key.findingNames()) {
            boolean named = matching.stream().anyMatch(f -> Evidence.names(String.valueOf(f.get("summary")), name)
                    || Evidence.names(String.valueOf(f.get("evidence")), name));
            out.add(new Item("name", name, named));
        }
        return out;
    }

    public static boolean allMet(List<Item> items) {
        return items.stream().allMatch(Item::met);
    }

    /** The findings of a snapshot tool result's structured content (a list of maps), empty when none. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> of(Object structuredContent) {
        if (structuredContent instanceof Map<?, ?> m && m.get("findings") instanceof List<?> l) {
            return (List<Map<String, Object>>) l;
        }
        return List.of();
    }
}
