package dev.thaw;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/tools.md lists every error code with its meaning and default fix, exactly as {@link ErrorCode}
 * has them: a code added, renamed, merged or reworded in one place and not the other fails here, and
 * the failure prints the table rows the docs should have.
 */
class ErrorCodeDocsTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9_]+)` \\| (.*) \\| (.*) \\|$");

    @Test
    void theDocsListEveryCodeWithItsMeaningAndFixAsTheEnumHasThem() throws IOException {
        List<String> documented = documentedRows();
        List<String> expected = Arrays.stream(ErrorCode.values()).map(ErrorCodeDocsTest::row).toList();
        assertThat(documented)
                .as("the rows of \"## Error codes\" in docs/tools.md; they should read:%n%s", String.join("\n", expected))
                .containsExactlyElementsOf(expected);
    }

    @Test
    void everyCodeHasAMeaningAFixAndOneWireName() {
        Set<String> wires = new HashSet<>();
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(c.wire()).as(c.name()).matches("[a-z][a-z0-9_]*");
            assertThat(wires.add(c.wire())).as("duplicate wire name " + c.wire()).isTrue();
            assertThat(c.meaning()).as(c.wire()).isNotBlank().endsWith(".").doesNotContain("|");
            assertThat(c.defaultFix()).as(c.wire()).isNotBlank().endsWith(".").doesNotContain("|");
        }
        assertThat(wires).as("merged into unsupported_version, no_interpreter, inconsistent_read, unsupported_runtime, invalid_argument")
                .doesNotContain("python_too_old", "free_threaded", "python_not_running", "torn_read", "no_runtime", "invalid_params");
    }

    @Test
    void aThrowSitesFixWinsAndNoFixMeansTheDefault() {
        ThawException own = new ThawException(ErrorCode.PROCESS_GONE, "Process 7 does not exist.", "Use pid 8.");
        assertThat(own.code()).isEqualTo(ErrorCode.PROCESS_GONE);
        assertThat(own.wire()).isEqualTo("process_gone");
        assertThat(own.fix()).isEqualTo("Use pid 8.");
        assertThat(own.explain()).isEqualTo("Process 7 does not exist.\nFix: Use pid 8.");

        ThawException none = new ThawException(ErrorCode.INTERRUPTED, "Interrupted.", null);
        assertThat(none.fix()).isEqualTo(ErrorCode.INTERRUPTED.defaultFix());
        assertThat(new ThawException(ErrorCode.INTERRUPTED, "Interrupted.", " ").fix())
                .isEqualTo(ErrorCode.INTERRUPTED.defaultFix());
    }

    private static String row(ErrorCode c) {
        return "| `" + c.wire() + "` | " + c.meaning() + " | " + c.defaultFix() + " |";
    }

    /** The table rows of the "## Error codes" section, in order (its ### headings only group them). */
    private static List<String> documentedRows() throws IOException {
        List<String> lines = Files.readAllLines(docs().resolve("tools.md"));
        int start = lines.indexOf("## Error codes");
        assertThat(start).as("docs/tools.md has a \"## Error codes\" section").isNotNegative();
        List<String> rows = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.add(line);
            }
        }
        return rows;
    }

    /** The repository's docs directory: tests run in mcp-server/, or from the repository root. */
    private static Path docs() {
        for (Path p : List.of(Path.of("../docs"), Path.of("docs"))) {
            if (Files.isRegularFile(p.resolve("tools.md"))) {
                return p;
            }
        }
        throw new IllegalStateException("docs/tools.md not found from " + Path.of("").toAbsolutePath());
    }
}
