package dev.thaw.python;

/**
 * Where each field thaw uses sits inside {@code _Py_DebugOffsets}, per minor version.
 *
 * <p>The struct is all {@code uint64_t} after the 8-byte cookie, in declaration order without
 * padding; 3.15 inserted fields (thread_state, err_stackitem, heap_type_object, ...) so every
 * position after {@code interpreter_state} moves. Positions come from the 3.14.10 headers
 * ({@code Include/internal/pycore_debug_offsets.h}) and from the 3.15.2 binary's {@code .PyRuntime} contents checked against a live
 * 3.15.2 process (thread ids, frame chain); the object fields (tuple..long, heap type) were matched value by value
 * against the 3.14 dump and checked on live 3.14.10 and 3.15.2 processes. The <em>values</em> at these positions are read from
 * the target, never hard-coded. -1 marks a field the version does not have.
 */
enum DebugField {
    VERSION(8, 8),
    FREE_THREADED(16, 16),

    RUNTIME_INTERPRETERS_HEAD(40, 40),

    INTERP_ID(56, 56),
    INTERP_NEXT(64, 64),
    INTERP_THREADS_HEAD(72, 72),
    INTERP_THREADS_MAIN(80, 80),
    INTERP_GIL_LOCKED(144, 144),
    INTERP_GIL_HOLDER(152, 152),
    INTERP_CODE_OBJECT_GENERATION(160, 160),
    INTERP_IMPORTS_MODULES(96, 96),

    THREAD_SIZE(176, 176),
    THREAD_NEXT(192, 192),
    THREAD_INTERP(200, 200),
    THREAD_CURRENT_FRAME(208, 208),
    THREAD_THREAD_ID(216, 240),
    THREAD_NATIVE_THREAD_ID(224, 248),
    THREAD_DATASTACK_CHUNK(232, 256),
    THREAD_STATUS(240, 264),
    THREAD_HOLDS_GIL(-1, 272),

    FRAME_SIZE(248, 312),
    FRAME_PREVIOUS(256, 320),
    FRAME_EXECUTABLE(264, 328),
    FRAME_INSTR_PTR(272, 336),
    FRAME_OWNER(288, 352),
    FRAME_LOCALSPLUS(280, 344),
    FRAME_STACKPOINTER(296, 360),

    CODE_SIZE(312, 376),
    CODE_FILENAME(320, 384),
    CODE_NAME(328, 392),
    CODE_QUALNAME(336, 400),
    CODE_LINETABLE(344, 408),
    CODE_FIRSTLINENO(352, 416),
    CODE_CO_CODE_ADAPTIVE(384, 448),
    CODE_ARGCOUNT(360, 424),
    CODE_LOCALSPLUSNAMES(368, 432),
    CODE_LOCALSPLUSKINDS(376, 440),

    OBJECT_OB_TYPE(408, 472),
    TYPE_TP_NAME(424, 488),
    TYPE_TP_FLAGS(440, 504),
    /** {@code PyHeapTypeObject.ht_cached_keys}: exported since 3.15; 3.14 has it at 880 (checked on a live 3.14.10). */
    HEAP_TYPE_CACHED_KEYS(-1, 536),

    TUPLE_OB_ITEM(456, 552),
    TUPLE_OB_SIZE(464, 560),
    LIST_OB_ITEM(480, 576),
    LIST_OB_SIZE(488, 584),
    SET_USED(504, 600),
    DICT_MA_KEYS(536, 632),
    DICT_MA_VALUES(544, 640),
    FLOAT_OB_FVAL(560, 656),
    LONG_LV_TAG(576, 672),
    LONG_OB_DIGIT(584, 680),

    BYTES_OB_SIZE(600, 696),
    BYTES_OB_SVAL(608, 704),

    UNICODE_STATE(624, 720),
    UNICODE_LENGTH(632, 728),
    UNICODE_ASCII_SIZE(640, 736),
    UNICODE_COMPACT_SIZE(-1, 744),

    GEN_GI_IFRAME(680, 808),
    GEN_GI_FRAME_STATE(688, 816),

    DEBUGGER_EVAL_BREAKER(712, 840),
    DEBUGGER_REMOTE_SUPPORT(720, 848),
    DEBUGGER_REMOTE_DEBUGGING_ENABLED(728, 856),
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

    DebugField(int pos314, int pos315) {
        this.pos314 = pos314;
        this.pos315 = pos315;
    }

    int position(int minor) {
        return switch (minor) {
            case 14 -> pos314;
            case 15 -> pos315;
            default -> throw new IllegalArgumentException("no layout for 3." + minor);
        };
    }
}
