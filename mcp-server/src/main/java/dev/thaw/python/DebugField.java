package dev.thaw.python;

/**
 * Where each field thaw uses sits inside {@code _Py_DebugOffsets}, per minor version, and what it
 * must fit in.
 *
 * <p>The struct is all {@code uint64_t} after the 8-byte cookie, in declaration order without
 * padding; each section (runtime, interpreter, thread, frame, code, each object type) starts with
 * its struct's {@code size}. 3.15 inserted fields (thread_state, err_stackitem, heap_type_object,
 * ...) so every position after {@code interpreter_state} moves. Positions come from the 3.14.10
 * headers and from the 3.15.2 binary's {@code .PyRuntime} contents checked against a live 3.15.2
 * process (thread ids, frame chain); the object fields (tuple..long, heap type) and the section
 * sizes were matched value by value against both binaries' sections and checked on live 3.14.10 and
 * 3.15.2 processes. The <em>values</em> at these positions are read from the target, never
 * hard-coded. -1 marks a field the version does not have.
 *
 * <p>{@code section} and {@code width} are what the value is checked against before any use
 * ({@link DebugOffsetsCheck}, modelled on CPython's {@code debug_offsets_validation.h}): an offset
 * plus the bytes thaw reads at it must fit inside its section's reported size, aligned to its width.
 * A section's own size has no section; it is checked against the most thaw reads of that struct.
 */
enum DebugField {
    VERSION(8, 8),
    FREE_THREADED(16, 16),

    RUNTIME_SIZE("runtime_state", 24, 24, 1L << 30),
    RUNTIME_INTERPRETERS_HEAD(40, 40, RUNTIME_SIZE, 8),

    /** thaw reads the span up to the last field it needs, not the whole struct. */
    INTERP_SIZE("interpreter_state", 48, 48, 1L << 30),
    INTERP_ID(56, 56, INTERP_SIZE, 8),
    INTERP_NEXT(64, 64, INTERP_SIZE, 8),
    INTERP_THREADS_HEAD(72, 72, INTERP_SIZE, 8),
    INTERP_THREADS_MAIN(80, 80, INTERP_SIZE, 8),
    INTERP_IMPORTS_MODULES(96, 96, INTERP_SIZE, 8),
    /** {@code int locked}, then {@code switch_number} in the next 8-byte word (read with it: 16 bytes). */
    INTERP_GIL_LOCKED(144, 144, INTERP_SIZE, 16),
    INTERP_GIL_HOLDER(152, 152, INTERP_SIZE, 8),
    INTERP_CODE_OBJECT_GENERATION(160, 160, INTERP_SIZE, 8),

    /** A thread state is read whole: at most 64 KiB. */
    THREAD_SIZE("thread_state", 176, 176, 1 << 16),
    THREAD_NEXT(192, 192, THREAD_SIZE, 8),
    THREAD_INTERP(200, 200, THREAD_SIZE, 8),
    THREAD_CURRENT_FRAME(208, 208, THREAD_SIZE, 8),
    THREAD_THREAD_ID(216, 240, THREAD_SIZE, 8),
    THREAD_NATIVE_THREAD_ID(224, 248, THREAD_SIZE, 8),
    THREAD_DATASTACK_CHUNK(232, 256, THREAD_SIZE, 8),
    THREAD_STATUS(240, 264, THREAD_SIZE, 4),
    THREAD_HOLDS_GIL(-1, 272, THREAD_SIZE, 4),

    /** A frame is read whole. */
    FRAME_SIZE("interpreter_frame", 248, 312, 1024),
    FRAME_PREVIOUS(256, 320, FRAME_SIZE, 8),
    FRAME_EXECUTABLE(264, 328, FRAME_SIZE, 8),
    FRAME_INSTR_PTR(272, 336, FRAME_SIZE, 8),
    FRAME_OWNER(288, 352, FRAME_SIZE, 1),
    /** The first slot of the frame's variable-size tail. */
    FRAME_LOCALSPLUS(280, 344, FRAME_SIZE, 8),
    FRAME_STACKPOINTER(296, 360, FRAME_SIZE, 8),

    /** A code object is read whole. */
    CODE_SIZE("code_object", 312, 376, 4096),
    CODE_FILENAME(320, 384, CODE_SIZE, 8),
    CODE_NAME(328, 392, CODE_SIZE, 8),
    CODE_QUALNAME(336, 400, CODE_SIZE, 8),
    CODE_LINETABLE(344, 408, CODE_SIZE, 8),
    CODE_FIRSTLINENO(352, 416, CODE_SIZE, 4),
    CODE_CO_CODE_ADAPTIVE(384, 448, CODE_SIZE, 1),
    CODE_ARGCOUNT(360, 424, CODE_SIZE, 4),
    CODE_LOCALSPLUSNAMES(368, 432, CODE_SIZE, 8),
    CODE_LOCALSPLUSKINDS(376, 440, CODE_SIZE, 8),

    OBJECT_SIZE("pyobject", 400, 464, 4096),
    OBJECT_OB_TYPE(408, 472, OBJECT_SIZE, 8),
    TYPE_SIZE("type_object", 416, 480, 4096),
    TYPE_TP_NAME(424, 488, TYPE_SIZE, 8),
    TYPE_TP_FLAGS(440, 504, TYPE_SIZE, 8),
    /** {@code PyHeapTypeObject.ht_cached_keys}: exported since 3.15; 3.14 has it at 880 (checked on a live 3.14.10). */
    HEAP_TYPE_SIZE("heap_type_object", -1, 528, 4096),
    HEAP_TYPE_CACHED_KEYS(-1, 536, HEAP_TYPE_SIZE, 8),

    TUPLE_SIZE("tuple_object", 448, 544, 4096),
    TUPLE_OB_ITEM(456, 552, TUPLE_SIZE, 8),
    TUPLE_OB_SIZE(464, 560, TUPLE_SIZE, 8),
    LIST_SIZE("list_object", 472, 568, 4096),
    LIST_OB_ITEM(480, 576, LIST_SIZE, 8),
    LIST_OB_SIZE(488, 584, LIST_SIZE, 8),
    SET_SIZE("set_object", 496, 592, 4096),
    SET_USED(504, 600, SET_SIZE, 8),
    SET_TABLE(512, 608, SET_SIZE, 8),
    SET_MASK(520, 616, SET_SIZE, 8),
    DICT_SIZE("dict_object", 528, 624, 4096),
    DICT_MA_KEYS(536, 632, DICT_SIZE, 8),
    DICT_MA_VALUES(544, 640, DICT_SIZE, 8),
    FLOAT_SIZE("float_object", 552, 648, 4096),
    FLOAT_OB_FVAL(560, 656, FLOAT_SIZE, 8),
    LONG_SIZE("long_object", 568, 664, 4096),
    LONG_LV_TAG(576, 672, LONG_SIZE, 8),
    /** 30-bit digits in 32-bit words. */
    LONG_OB_DIGIT(584, 680, LONG_SIZE, 4),

    BYTES_SIZE("bytes_object", 592, 688, 4096),
    BYTES_OB_SIZE(600, 696, BYTES_SIZE, 8),
    BYTES_OB_SVAL(608, 704, BYTES_SIZE, 1),

    UNICODE_SIZE("unicode_object", 616, 712, 4096),
    UNICODE_STATE(624, 720, UNICODE_SIZE, 4),
    UNICODE_LENGTH(632, 728, UNICODE_SIZE, 8),
    /** A struct size, where the characters of a compact ASCII string start: inside the object like a field. */
    UNICODE_ASCII_SIZE(640, 736, UNICODE_SIZE, 1),
    UNICODE_COMPACT_SIZE(-1, 744, UNICODE_SIZE, 1),

    GEN_SIZE("gen_object", 664, 792, 4096),
    GEN_GI_IFRAME(680, 808, GEN_SIZE, 8),
    GEN_GI_FRAME_STATE(688, 816, GEN_SIZE, 1),

    // debugger_support has no size of its own: its offsets point into the thread state, the
    // interpreter and the thread's _PyRemoteDebuggerSupport (checked by DebugOffsetsCheck).
    DEBUGGER_EVAL_BREAKER(712, 840, THREAD_SIZE, 8),
    DEBUGGER_REMOTE_SUPPORT(720, 848, THREAD_SIZE, 8),
    DEBUGGER_REMOTE_DEBUGGING_ENABLED(728, 856, INTERP_SIZE, 4),
    DEBUGGER_PENDING_CALL(736, 864),
    DEBUGGER_SCRIPT_PATH(744, 872),
    DEBUGGER_SCRIPT_PATH_SIZE(752, 880);

    /** sizeof(_Py_DebugOffsets) per minor version. */
    static int structSize(int minor) {
        return switch (minor) {
            case 14 -> 760;
            case 15 -> 888;
            default -> throw new IllegalArgumentException("no layout for 3." + minor);
        };
    }

    static boolean hasLayout(int minor) {
        return minor == 14 || minor == 15;
    }

    private final int pos314;
    private final int pos315;
    /** For a section's size: CPython's name of the section; else null. */
    private final String sectionName;
    /** For a section's size: the most thaw reads of that struct at once. */
    private final long maxSize;
    /** The size of the section the field is an offset into, or null (a value, not an offset). */
    private final DebugField section;
    /** How many bytes thaw reads at the offset. */
    private final int width;

    DebugField(int pos314, int pos315) {
        this(pos314, pos315, null, 0, null, 0);
    }

    DebugField(String sectionName, int pos314, int pos315, long maxSize) {
        this(pos314, pos315, sectionName, maxSize, null, 0);
    }

    DebugField(int pos314, int pos315, DebugField section, int width) {
        this(pos314, pos315, null, 0, section, width);
    }

    DebugField(int pos314, int pos315, String sectionName, long maxSize, DebugField section, int width) {
        this.pos314 = pos314;
        this.pos315 = pos315;
        this.sectionName = sectionName;
        this.maxSize = maxSize;
        this.section = section;
        this.width = width;
    }

    int position(int minor) {
        return switch (minor) {
            case 14 -> pos314;
            case 15 -> pos315;
            default -> throw new IllegalArgumentException("no layout for 3." + minor);
        };
    }

    boolean isSectionSize() {
        return sectionName != null;
    }

    long maxSize() {
        return maxSize;
    }

    DebugField section() {
        return section;
    }

    int width() {
        return width;
    }

    /** The field's name as CPython spells it, roughly: {@code thread_state.current_frame}, {@code code_object.size}. */
    String cName() {
        if (sectionName != null) {
            return sectionName + ".size";
        }
        String n = name().toLowerCase(java.util.Locale.ROOT);
        if (section == null || name().startsWith("DEBUGGER_")) {
            return n.startsWith("debugger_") ? "debugger_support." + n.substring(9) : n;
        }
        return section.sectionName + "." + n.substring(n.indexOf('_') + 1).replaceFirst("^type_", "");
    }
}
