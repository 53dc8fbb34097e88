package dev.thaw.inject;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class StatusFileTest {

    @Test
    void readsWhatTheTargetWrites() {
        TargetStatus s = StatusFile.parse(("{\"armedTid\":12,\"tid\":13,\"deliveredNs\":5,\"runningNs\":6,"
                + "\"error\":\"ValueError: x\\u00e9\",\"errorType\":\"ValueError\",\"traceback\":\"T\",\"elapsedMs\":1.5,"
                + "\"endedNs\":7,\"outputBytes\":10,\"truncated\":true,\"droppedBytes\":3,\"exit\":2,\"state\":\"failed\"}")
                .getBytes(StandardCharsets.US_ASCII)).orElseThrow();
        assertThat(s.state()).isEqualTo(InjectionState.FAILED);
        assertThat(s.armedTid()).isEqualTo(12);
        assertThat(s.tid()).isEqualTo(13);
        assertThat(s.error()).isEqualTo("ValueError: xé");
        assertThat(s.truncated()).isTrue();
        assertThat(s.droppedBytes()).isEqualTo(3);
        assertThat(s.exit()).isEqualTo(2);
        assertThat(s.endedNs()).isEqualTo(7);
    }

    /** The fast reader and Jackson agree on everything the target's library and bootstrap write. */
    @Test
    void theFlatReaderAgreesWithJackson() {
        String[] docs = {
            "{\"armedTid\":12,\"deliveredNs\":16511896252923,\"state\":\"delivered\"}",
            "{\"armedTid\":12,\"tid\":13,\"deliveredNs\":5,\"runningNs\":6,\"elapsedMs\":0.042,\"outputBytes\":6,"
                    + "\"truncated\":false,\"droppedBytes\":0,\"exit\":-3,\"endedNs\":7,\"state\":\"completed\"}",
            "{\"state\":\"failed\",\"phase\":\"start\",\"deliveredNs\":9,\"errorType\":\"ValueError\","
                    + "\"error\":\"thaw library: bad marshal data (unknown type code)\"}",
            "{\"error\":\"a \\\"q\\\" \\\\ \\/ \\n\\t\\u00e9\\ud83d\\ude00\",\"exit\":\"'x'\",\"traceback\":null,"
                    + "\"elapsedMs\":1e-3,\"state\":\"failed\"}",
            " { \"state\" : \"running\" , \"tid\" : 4294967296 } ",
        };
        for (String d : docs) {
            byte[] raw = d.getBytes(StandardCharsets.UTF_8);
            assertThat(FlatJson.parse(raw)).as(d).isNotNull()
                    .isEqualTo(dev.thaw.Json.mapper().readValue(raw, java.util.Map.class));
        }
        // Not flat, not ASCII, not JSON: left to Jackson (null here)
        assertThat(FlatJson.parse("{\"a\":{\"b\":1}}".getBytes())).isNull();
        assertThat(FlatJson.parse("{\"a\":[1]}".getBytes())).isNull();
        assertThat(FlatJson.parse("{\"a\":\"\u00e9\"}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(FlatJson.parse("{\"a\":1} x".getBytes())).isNull();
        assertThat(FlatJson.parse("{\"a\":01}".getBytes())).isNull();
        assertThat(FlatJson.parse("{\"a\":1,\"a\":2}".getBytes())).isNull();
        assertThat(FlatJson.parse("{\"state\":".getBytes())).isNull();
        assertThat(StatusFile.parse("{\"state\":\"running\",\"tid\":{\"x\":1}}".getBytes())).isPresent();
    }

    /** A Python bootstrap whose library did not load writes plain text; thaw makes it a failed status. */
    @Test
    void aLibraryFailureInPlainTextIsAFailureToStart() {
        TargetStatus s = StatusFile.parse("16511896252923 FileNotFoundError: [Errno 2] No such file: 'x/lib.marshal'\nmore"
                .getBytes(StandardCharsets.UTF_8)).orElseThrow();
        assertThat(s.state()).isEqualTo(InjectionState.FAILED);
        assertThat(s.phase()).isEqualTo("start");
        assertThat(s.errorType()).isEqualTo("FileNotFoundError");
        assertThat(s.error()).isEqualTo("thaw library: [Errno 2] No such file: 'x/lib.marshal'\nmore");
        assertThat(s.deliveredNs()).isEqualTo(16511896252923L);
        assertThat(StatusFile.parse("12 ValueError: b\u00e9d".getBytes(StandardCharsets.UTF_8)).orElseThrow().error())
                .isEqualTo("thaw library: b\u00e9d");
        // Not that form (an exception class with a non-ASCII name, a cut text): still a failure to
        // report — a status file is complete when it appears — never something to wait on.
        for (String odd : java.util.List.of("12", "12 Fehl\u00e9r: x", "99999999999999999999 E: x")) {
            TargetStatus f = StatusFile.parse(odd.getBytes(StandardCharsets.UTF_8)).orElseThrow();
            assertThat(f.state()).as(odd).isEqualTo(InjectionState.FAILED);
            assertThat(f.error()).as(odd).isEqualTo("thaw library: " + odd);
        }
    }

    @Test
    void isoInstantsAreWhatInstantPrints() {
        for (java.time.Instant t : java.util.List.of(java.time.Instant.ofEpochSecond(1_700_000_000L),
                java.time.Instant.ofEpochSecond(1_700_000_000L, 5_000_000), java.time.Instant.ofEpochSecond(1_700_000_000L, 123_456_000),
                java.time.Instant.ofEpochSecond(1_700_000_001L, 7), java.time.Instant.ofEpochSecond(0, 999_999_999),
                java.time.Instant.now())) {
            assertThat(IsoInstant.format(t)).isEqualTo(t.toString());
        }
    }

    @Test
    void junkOrUnknownStatesAreNoNews() {
        assertThat(StatusFile.parse("{\"state\":\"exploded\"}".getBytes())).isEmpty();
        assertThat(StatusFile.parse("{\"state\":".getBytes())).isEmpty();
        assertThat(StatusFile.parse(new byte[0])).isEmpty();
        assertThat(StatusFile.parse("[]".getBytes())).isEmpty();
    }

    @Test
    void statesKnowWhetherTheyAreFinal() {
        assertThat(InjectionState.COMPLETED.isFinal()).isTrue();
        assertThat(InjectionState.TIMED_OUT.isFinal()).as("a late finish is still recorded").isFalse();
        assertThat(InjectionState.fromWire("target_exited")).isEqualTo(InjectionState.TARGET_EXITED);
        assertThat(InjectionState.TARGET_EXITED.wire()).isEqualTo("target_exited");
        assertThat(ThreadChoice.parse(" 42 ")).isEqualTo(ThreadChoice.tid(42));
        assertThat(ThreadChoice.parse(null)).isEqualTo(ThreadChoice.AUTO);
        assertThat(ThreadChoice.parse("MAIN").wire()).isEqualTo("main");
    }
}
