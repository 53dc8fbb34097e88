package dev.thaw.replay;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.session.SessionLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reader keeps what parses and names every line it could not use. */
class LogReaderTest {

    @TempDir
    Path dir;

    private Path log(String... lines) throws Exception {
        Path p = dir.resolve("s.jsonl");
        Files.writeString(p, String.join("", lines));
        return p;
    }

    private static String rec(long seq, String type) {
        return "{\"v\":1,\"seq\":" + seq + ",\"time\":\"2025-11-25T10:00:0" + (seq % 10) + "Z\",\"type\":\"" + type + "\"}\n";
    }

    @Test
    void aCleanLogHasNoProblems() throws Exception {
        LogContents c = LogReader.read(log(rec(1, "session_start"), rec(2, "note")));
        assertThat(c.records()).extracting(LogRecord::seq).containsExactly(1L, 2L);
        assertThat(c.problems()).isEmpty();
        assertThat(c.wholeExceptTornTail()).isTrue();
    }

    @Test
    void everyPrefixOfALogReadsWholeExceptATornLastLine() throws Exception {
        // What SIGKILL can leave: any prefix of the bytes written.
        SessionLog w = SessionLog.open(dir.resolve("real.jsonl"));
        for (int i = 0; i < 20; i++) {
            w.append("note", Map.of("kind", "finding", "text", "note ✓ number " + i));
        }
        w.close();
        byte[] all = Files.readAllBytes(dir.resolve("real.jsonl"));
        for (int cut = 0; cut <= all.length; cut++) {
            LogContents c = LogReader.parse(dir.resolve("cut.jsonl"), Arrays.copyOf(all, cut));
            boolean atLineEnd = cut == 0 || all[cut - 1] == '\n';
            assertThat(c.problems().stream().filter(p -> p.kind() != ReadProblem.Kind.EMPTY))
                    .as("cut at %d", cut)
                    .allMatch(p -> p.kind() == ReadProblem.Kind.TORN_TAIL)
                    .hasSizeLessThanOrEqualTo(atLineEnd ? 0 : 1);
            long complete = new String(Arrays.copyOf(all, cut), StandardCharsets.UTF_8).chars().filter(ch -> ch == '\n').count();
            assertThat(c.records().size()).as("cut at %d", cut).isBetween((int) complete, (int) complete + 1);
        }
    }

    @Test
    void aTornLastLineIsReportedWithItsLineNumber() throws Exception {
        LogContents c = LogReader.read(log(rec(1, "session_start"), rec(2, "note"), "{\"v\":1,\"seq\":3,\"ty"));
        assertThat(c.records()).hasSize(2);
        assertThat(c.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ReadProblem.Kind.TORN_TAIL);
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.detail()).contains("incomplete").contains("killed").contains("right now");
        });
        assertThat(c.hasTornTail()).isTrue();
    }

    @Test
    void corruptLinesInTheMiddleAreSkippedAndNamed() throws Exception {
        byte[] bad = {(byte) 0xff, (byte) 0xfe, 'x', '\n'};
        Path p = dir.resolve("c.jsonl");
        Files.write(p, (rec(1, "session_start") + "not json at all\n").getBytes(StandardCharsets.UTF_8));
        Files.write(p, bad, java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(p, "[1,2]\n{\"v\":1,\"type\":\"note\"}\n" + rec(2, "note") + rec(3, "note").replace("}\n", "}{\"v\":1}\n")
                + rec(4, "note"), java.nio.file.StandardOpenOption.APPEND);
        LogContents c = LogReader.read(p);
        assertThat(c.records()).extracting(LogRecord::seq).containsExactly(1L, 2L, 4L);
        assertThat(c.problems()).extracting(ReadProblem::kind).containsOnly(ReadProblem.Kind.CORRUPT_LINE); // the gaps are the corrupt lines themselves
        List<String> details = c.problems().stream().map(ReadProblem::display).toList();
        assertThat(details).anyMatch(d -> d.startsWith("line 2:") && d.contains("invalid JSON"))
                .anyMatch(d -> d.startsWith("line 3:") && d.contains("invalid UTF-8"))
                .anyMatch(d -> d.startsWith("line 4:") && d.contains("not a JSON object"))
                .anyMatch(d -> d.startsWith("line 5:") && d.contains("missing v, seq or type"))
                .anyMatch(d -> d.startsWith("line 7:") && d.contains("invalid JSON"));
        assertThat(c.wholeExceptTornTail()).isFalse();
    }

    @Test
    void missingRecordsAreReportedAsAGap() throws Exception {
        LogContents c = LogReader.read(log(rec(1, "session_start"), rec(2, "note"), rec(7, "note")));
        assertThat(c.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ReadProblem.Kind.SEQUENCE_GAP);
            assertThat(p.detail()).contains("records 3 to 6 missing");
        });
    }

    @Test
    void recordsOfANewerSchemaAreSkippedAndCounted() throws Exception {
        LogContents c = LogReader.read(log(rec(1, "session_start"),
                "{\"v\":2,\"seq\":2,\"time\":\"t\",\"type\":\"hologram\",\"x\":1}\n", rec(3, "note")));
        assertThat(c.records()).extracting(LogRecord::seq).containsExactly(1L, 3L);
        assertThat(c.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ReadProblem.Kind.NEWER_VERSION);
            assertThat(p.detail()).contains("version 2").contains("hologram");
        });
    }

    @Test
    void anEmptyFileSaysSo() throws Exception {
        LogContents c = LogReader.read(log());
        assertThat(c.problems()).singleElement().extracting(ReadProblem::kind).isEqualTo(ReadProblem.Kind.EMPTY);
    }

    @Test
    void aMissingFileIsARefusalWithAFix() {
        assertThatThrownBy(() -> LogReader.read(dir.resolve("nope.jsonl")))
                .isInstanceOf(ThawException.class)
                .satisfies(e -> {
                    assertThat(((ThawException) e).code()).isEqualTo(ErrorCode.LOG_NOT_FOUND);
                    assertThat(((ThawException) e).fix()).contains("latest");
                });
    }
}
