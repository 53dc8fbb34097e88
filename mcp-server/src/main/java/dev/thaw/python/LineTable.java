package dev.thaw.python;

/**
 * Decodes a code object's {@code co_linetable} (the PEP 626 location table, CPython
 * InternalDocs/code_objects.md) to find the line of one instruction.
 *
 * <p>Each entry starts with a byte {@code 1CCCCLLL}: code C (0-15) and length L+1 in code units.
 * Codes 0-9 are short forms (same line, one column byte), 10-12 one-line forms (line delta
 * C-10, two column bytes), 13 no columns (signed varint line delta), 14 the long form (signed
 * varint line delta, then varint end-line delta, column+1, end-column+1), 15 no location.
 * Varints are 6 bits per byte, bit 6 (0x40) meaning "more"; a signed varint keeps the sign in
 * its lowest bit.
 */
public final class LineTable {

    /** The instruction has no line (code 15), or the table does not cover it. */
    public static final int NO_LINE = -1;

    private LineTable() {
    }

    /**
     * @param table     the bytes of {@code co_linetable}
     * @param firstLine {@code co_firstlineno}
     * @param addrq     the instruction's index in code units
     * @return the line, or {@link #NO_LINE}
     */
    public static int lineFor(byte[] table, int firstLine, int addrq) {
        int line = firstLine;
        int addr = 0;
        int[] pos = {0};
        while (pos[0] < table.length) {
            int first = table[pos[0]++] & 0xff;
            if ((first & 0x80) == 0) {
                return NO_LINE; // not at an entry start: the table is corrupt (or was read torn)
            }
            int code = (first >> 3) & 15;
            int end = addr + (first & 7) + 1;
            boolean hasLine = true;
            switch (code) {
                case 15 -> hasLine = false;
                case 14 -> {
                    line += signedVarint(table, pos);
                    varint(table, pos); // end line delta
                    varint(table, pos); // column + 1
                    varint(table, pos); // end column + 1
                }
                case 13 -> line += signedVarint(table, pos);
                case 10, 11, 12 -> {
                    line += code - 10;
                    pos[0] += 2; // start and end column
                }
                default -> pos[0] += 1; // short form: one column byte, same line
            }
            if (addrq >= addr && addrq < end) {
                return hasLine ? line : NO_LINE;
            }
            addr = end;
        }
        return NO_LINE;
    }

    static int varint(byte[] b, int[] pos) {
        if (pos[0] >= b.length) {
            return 0;
        }
        int read = b[pos[0]++] & 0xff;
        int value = read & 63;
        int shift = 0;
        while ((read & 64) != 0 && pos[0] < b.length && shift < 30) {
            read = b[pos[0]++] & 0xff;
            shift += 6;
            value |= (read & 63) << shift;
        }
        return value;
    }

    static int signedVarint(byte[] b, int[] pos) {
        int u = varint(b, pos);
        return (u & 1) != 0 ? -(u >>> 1) : (u >>> 1);
    }
}
