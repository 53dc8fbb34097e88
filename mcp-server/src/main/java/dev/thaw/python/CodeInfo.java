package dev.thaw.python;

/**
 * The immutable parts of a code object that a frame needs.
 *
 * @param qualname   {@code co_qualname}
 * @param filename   {@code co_filename}
 * @param firstLine  {@code co_firstlineno}
 * @param lineTable  {@code co_linetable}
 * @param codeUnits  the length of the bytecode in code units ({@code Py_SIZE(code)}), to validate
 *                   instruction pointers
 */
record CodeInfo(String qualname, String filename, int firstLine, byte[] lineTable, long codeUnits) {

    /** The line of the instruction at {@code addrq}, or null when it has none. */
    Integer lineAt(long addrq) {
        int line = LineTable.lineFor(lineTable, firstLine, (int) addrq);
        return line == LineTable.NO_LINE ? null : line;
    }
}
