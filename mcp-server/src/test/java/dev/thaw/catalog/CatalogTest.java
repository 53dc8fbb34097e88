package dev.thaw.catalog;

import dev.thaw.ThawException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped catalog is well-formed, and the header parser and parameter checks refuse what they should. */
class CatalogTest {

    private static final String GOOD = """
            # thaw-diagnostic
            # {
            #   "id": "py.example",
            #   "runtime": "cpython",
            #   "title": "Example",
            #   "question": "Does it parse?",
            #   "params": {
            #     "type": "object",
            #     "properties": {
            #       "top": {"type": "integer", "minimum": 1, "default": 5},
            #       "name": {"type": "string"}
            #     },
            #     "additionalProperties": false
            #   },
            #   "mutating": false,
            #   "cost": "nothing",
            #   "timeout_s": 20
            # }
            # a comment of the script itself, not part of the header
            out.write("hello")
            """;

    @Test
    void everyShippedFileParsesStrictly() {
        CatalogSources sources = CatalogSources.system();
        List<String> files = sources.list().stream().filter(p -> p.endsWith(".py") || p.endsWith(".java"))
                .filter(p -> !p.startsWith("kit/")).toList(); // the probe kit is a library, not an entry
        assertThat(files).contains("python/thread_stacks.py", "jvm/deadlocks.java");
        assertThat(sources.list()).contains(PythonKit.PATH);
        Set<String> ids = new HashSet<>();
        for (String path : files) {
            CatalogEntry e = CatalogHeader.parse(path, sources.read(path).orElseThrow());
            assertThat(ids.add(e.id())).as("unique id %s", e.id()).isTrue();
            if (!e.mutating()) { // a mutating entry states what it changes; a read-only one, what it answers
                assertThat(e.question()).as(e.id()).contains("?");
            }
            assertThat(e.params()).as(e.id()).containsEntry("additionalProperties", false);
            // Every default must itself be valid, or the entry could never run with its defaults.
            assertThat(CatalogParams.resolve(e, Map.of())).as(e.id()).isNotNull();
        }
        assertThat(Catalog.system().entries()).hasSize(files.size());
    }

    @Test
    void headerFieldsAreRead() {
        CatalogEntry e = CatalogHeader.parse("python/example.py", GOOD);
        assertThat(e.id()).isEqualTo("py.example");
        assertThat(e.runtime()).isEqualTo("cpython");
        assertThat(e.language()).isEqualTo("python");
        assertThat(e.mutating()).isFalse();
        assertThat(e.timeoutS()).isEqualTo(20.0);
        assertThat(e.resourceUri()).isEqualTo("thaw://catalog/python/example.py");
        assertThat(e.source()).isEqualTo(GOOD);
    }

    @Test
    void badHeadersAreRefusedWithTheReason() {
        assertThatThrownBy(() -> CatalogHeader.parse("python/example.py", "print(1)\n"))
                .hasMessageContaining("first line must be \"# thaw-diagnostic\"");
        assertThatThrownBy(() -> CatalogHeader.parse("python/other.py", GOOD))
                .hasMessageContaining("must be \"py.other\"");
        assertThatThrownBy(() -> CatalogHeader.parse("jvm/example.java", GOOD))
                .hasMessageContaining("first line must be \"// thaw-diagnostic\"");
        assertThatThrownBy(() -> CatalogHeader.parse("python/example.py", GOOD.replace("\"cpython\"", "\"hotspot\"")))
                .hasMessageContaining("does not fit the file");
        assertThatThrownBy(() -> CatalogHeader.parse("python/example.py", GOOD.replace("# }\n", "")))
                .hasMessageContaining("must end with a line");
        assertThatThrownBy(() -> CatalogHeader.parse("python/example.py", GOOD.replace("\"mutating\": false", "\"mutating\": \"no\"")))
                .hasMessageContaining("\"mutating\" must be true or false");
        assertThatThrownBy(() -> CatalogHeader.parse("python/example.py", GOOD.replace("\"title\": \"Example\",", "")))
                .hasMessageContaining("\"title\" is missing");
        assertThatThrownBy(() -> CatalogHeader.parse("python/example.txt", GOOD)).hasMessageContaining("not a .py or .java");
    }

    @Test
    void paramsAreCheckedAndDefaultsFilled() {
        CatalogEntry e = CatalogHeader.parse("python/example.py", GOOD);
        assertThat(CatalogParams.resolve(e, Map.of())).containsExactly(Map.entry("top", 5));
        assertThat(CatalogParams.resolve(e, Map.of("top", 9, "name", "x"))).containsEntry("top", 9).containsEntry("name", "x");
        assertThatThrownBy(() -> CatalogParams.resolve(e, Map.of("top", 0)))
                .isInstanceOf(ThawException.class).hasMessageContaining("py.example").hasMessageContaining("top");
        assertThatThrownBy(() -> CatalogParams.resolve(e, Map.of("bogus", 1)))
                .isInstanceOf(ThawException.class).hasMessageContaining("bogus");
        assertThatThrownBy(() -> CatalogParams.resolve(e, Map.of("top", "five")))
                .isInstanceOf(ThawException.class).hasMessageContaining("top");
    }

    @Test
    void scriptSourcesPinTheRuntime() {
        Catalog catalog = new Catalog(List.of(CatalogHeader.parse("python/example.py", GOOD)));
        ScriptSource s = ScriptSource.diagnostic(catalog, "py.example", Map.of(), null);
        assertThat(s.catalogId()).isEqualTo("py.example");
        assertThat(s.runtime()).isEqualTo("cpython");
        assertThat(s.defaultTimeout().toSeconds()).isEqualTo(20);
        assertThat(s.code()).isEqualTo(GOOD);
        assertThatThrownBy(() -> ScriptSource.diagnostic(catalog, "py.example", Map.of(), "java"))
                .hasMessageContaining("is python, not java");
        assertThatThrownBy(() -> ScriptSource.diagnostic(catalog, "py.nope", Map.of(), null))
                .isInstanceOf(ThawException.class).hasMessageContaining("py.nope")
                .satisfies(e -> assertThat(((ThawException) e).fix()).contains("list_diagnostics", "py.example"));
        assertThat(ScriptSource.custom("print(1)", null, "java").runtime()).isEqualTo("hotspot");
        assertThat(ScriptSource.custom("print(1)", null, null).runtime()).isNull();
        assertThatThrownBy(() -> ScriptSource.custom("x", null, "ruby")).hasMessageContaining("\"python\" or \"java\"");
    }

    @Test
    void listingRendersEveryEntryCompactly() {
        Catalog catalog = new Catalog(List.of(CatalogHeader.parse("python/example.py", GOOD)));
        DiagnosticList list = DiagnosticList.of(catalog, "cpython");
        assertThat(list.count()).isEqualTo(1);
        String text = DiagnosticListText.render(list);
        assertThat(text).contains("py.example — Example [read-only]", "answers: Does it parse?",
                "params: top: integer = 5, name: string", "source thaw://catalog/python/example.py");
        assertThat(DiagnosticList.of(catalog, "hotspot").count()).isZero();
    }
}
