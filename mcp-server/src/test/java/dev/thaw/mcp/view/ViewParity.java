package dev.thaw.mcp.view;

import dev.thaw.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two views of one answer say the same facts: every value of the structured view (strings,
 * numbers; a true flag by its key) appears in the text, and every number in the text appears in the
 * structured view. Used on real snapshots and on the server's real answers.
 */
public final class ViewParity {

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private ViewParity() {
    }

    public static void assertSameFacts(Map<String, Object> view, String text) {
        List<String> missing = new ArrayList<>();
        leaves(null, view, text, missing);
        assertThat(missing).as("facts of the structured view missing from the text:%n%s", text).isEmpty();
        String json = Json.write(view);
        List<String> extra = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            if (!json.contains(m.group())) {
                extra.add(m.group());
            }
        }
        assertThat(extra).as("numbers only in the text:%n%s%n%s", text, json).isEmpty();
    }

    private static void leaves(String key, Object value, String text, List<String> missing) {
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                leaves(String.valueOf(e.getKey()), e.getValue(), text, missing);
            }
        } else if (value instanceof List<?> l) {
            for (Object o : l) {
                leaves(key, o, text, missing);
            }
        } else if (Boolean.TRUE.equals(value)) {
            if (!text.contains(key)) {
                missing.add(key + "=true");
            }
        } else if (value != null && !(value instanceof Boolean) && !text.contains(String.valueOf(value))) {
            missing.add(key + "=" + value);
        }
    }
}
