package dev.thaw.inject;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictsTest {

    private static List<Verdict> parse(String s) {
        return Verdicts.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theLastMarkerLineCounts() {
        String out = "text\n@thaw-verdicts {\"version\":1,\"verdicts\":[{\"kind\":\"old\"}]}\nmore\n"
                + "Verdicts:\n  LOST-WAKEUP: w waits\n"
                + "@thaw-verdicts {\"version\": 1, \"verdicts\": [{\"kind\": \"lost-wakeup\", \"conclusion\": \"w waits\", "
                + "\"evidence\": [\"a\", \"b\"], \"fix\": \"loop\", \"subject\": \"`__main__.cond`\"}, "
                + "{\"kind\": \"deadlock\", \"conclusion\": \"c\", \"evidence\": [], \"fix\": \"\", \"subject\": null}]}\n";
        List<Verdict> v = parse(out);
        assertThat(v).containsExactly(new Verdict("lost-wakeup", "w waits", List.of("a", "b"), "loop", "`__main__.cond`"),
                new Verdict("deadlock", "c", List.of(), "", null));
    }

    @Test
    void noneWhenThereIsNoLineOrItDoesNotParse() {
        assertThat(parse("plain output\n")).isNull();
        assertThat(parse("")).isNull();
        assertThat(parse("x @thaw-verdicts {\"verdicts\":[]}\n")).as("not at a line start").isNull();
        assertThat(parse("@thaw-verdicts {broken\n")).isNull();
        assertThat(parse("@thaw-verdicts {\"version\": 1, \"verdicts\": []}")).isEmpty();
    }

    @Test
    void textLeadsWithKindAndConclusion() {
        assertThat(Verdicts.text(null)).isEmpty();
        assertThat(Verdicts.text(List.of())).isEmpty();
        assertThat(Verdicts.text(List.of(new Verdict("pipe-deadlock", "child 7 cannot finish", List.of(), "", null))))
                .isEqualTo("Verdicts (the script's conclusions, from the end of its output):\n"
                        + "  PIPE-DEADLOCK: child 7 cannot finish\n");
    }
}
