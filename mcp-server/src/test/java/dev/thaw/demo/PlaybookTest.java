package dev.thaw.demo;

import dev.thaw.catalog.Catalog;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every scenario has a play (so the demo and the end-to-end test reach it), and every play runs real diagnostics. */
class PlaybookTest {

    @Test
    void everyAnswerKeyHasAPlayAndEveryPlayAKeyWithFactsAndRealDiagnostics() throws IOException {
        Path dir = dev.thaw.testing.AnswerKeys.sourceDir();
        try (Stream<Path> files = Files.list(dir)) {
            var scenarios = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".answer.json"))
                    .map(n -> n.substring(0, n.length() - ".answer.json".length())).toList();
            assertThat(Playbook.ALL).extracting(Playbook::scenario).containsExactlyInAnyOrderElementsOf(scenarios);
        }
        for (Playbook p : Playbook.ALL) {
            AnswerKey key = p.answerKey();
            assertThat(key.runtime()).as(p.scenario()).isEqualTo(p.runtime());
            assertThat(key.facts()).as(p.scenario() + " has facts a diagnosis must find").isNotEmpty();
            for (Playbook.Step s : p.diagnostics()) {
                assertThat(Catalog.system().find(s.diagnostic())).as(p.scenario() + " " + s.diagnostic()).isPresent()
                        .get().satisfies(e -> assertThat(e.runtime()).isEqualTo(p.runtime()));
            }
        }
    }
}
