package dev.thaw.python;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.InputStream;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The location-table decoder against real co_linetable bytes recorded from python3.14 and
 * python3.15 (threading, asyncio.events and a function with awkward line structure), checked
 * against what the interpreter itself says for every code unit ({@code co_positions()}).
 */
class LineTableTest {

    @ParameterizedTest
    @ValueSource(strings = {"3.14", "3.15"})
    void everyCodeUnitGetsTheInterpretersLine(String version) throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/python/linetables-" + version + ".json")) {
            root = JsonMapper.builder().build().readTree(in);
        }
        int checked = 0;
        for (JsonNode code : root.get("codes")) {
            byte[] table = HexFormat.of().parseHex(code.get("linetable").asString());
            int first = code.get("firstlineno").asInt();
            JsonNode lines = code.get("lines");
            for (int addrq = 0; addrq < lines.size(); addrq++) {
                assertThat(LineTable.lineFor(table, first, addrq))
                        .as("%s unit %d", code.get("name").asString(), addrq)
                        .isEqualTo(lines.get(addrq).asInt());
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(500);
    }

    @Test
    void handBuiltEntries() {
        // short form (code 0..9): same line; one-line form 11: +1; no-columns 13 with signed varint -3;
        // long form 14 with delta +70 (varint continuation); no location 15.
        byte[] t = {
                (byte) 0x80, 0x00,                          // code 0, 1 unit: line 10
                (byte) (0x80 | 11 << 3 | 1), 0x01, 0x02,    // code 11, 2 units: line 11
                (byte) (0x80 | 13 << 3), 0x07,              // code 13, 1 unit: delta -3 -> 8
                (byte) (0x80 | 14 << 3), 0x4c, 0x02, 0x00, 0x01, 0x01, // code 14: delta +70 -> 78
                (byte) (0x80 | 15 << 3 | 2),                // code 15, 3 units: none
        };
        assertThat(LineTable.lineFor(t, 10, 0)).isEqualTo(10);
        assertThat(LineTable.lineFor(t, 10, 1)).isEqualTo(11);
        assertThat(LineTable.lineFor(t, 10, 2)).isEqualTo(11);
        assertThat(LineTable.lineFor(t, 10, 3)).isEqualTo(8);
        assertThat(LineTable.lineFor(t, 10, 4)).isEqualTo(78);
        assertThat(LineTable.lineFor(t, 10, 5)).isEqualTo(LineTable.NO_LINE);
        assertThat(LineTable.lineFor(t, 10, 7)).isEqualTo(LineTable.NO_LINE);
        assertThat(LineTable.lineFor(t, 10, 8)).isEqualTo(LineTable.NO_LINE); // past the table
    }

    @Test
    void varints() {
        int[] pos = {0};
        assertThat(LineTable.varint(new byte[]{0x3f}, pos)).isEqualTo(63);
        pos[0] = 0;
        assertThat(LineTable.varint(new byte[]{0x41, 0x01}, pos)).isEqualTo(1 | 1 << 6);
        assertThat(pos[0]).isEqualTo(2);
        pos[0] = 0;
        assertThat(LineTable.signedVarint(new byte[]{0x05}, pos)).isEqualTo(-2);
        pos[0] = 0;
        assertThat(LineTable.signedVarint(new byte[]{0x04}, pos)).isEqualTo(2);
    }

    @Test
    void corruptTableGivesNoLine() {
        assertThat(LineTable.lineFor(new byte[]{0x01, 0x02}, 5, 0)).isEqualTo(LineTable.NO_LINE);
        assertThat(LineTable.lineFor(new byte[0], 5, 0)).isEqualTo(LineTable.NO_LINE);
    }
}
