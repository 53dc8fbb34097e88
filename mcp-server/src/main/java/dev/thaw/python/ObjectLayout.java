package dev.thaw.python;

/**
 * The object layouts thaw reads that {@code _Py_DebugOffsets} does not export, in one table: the
 * same in CPython 3.14 and 3.15 on x86-64 (from the 3.14.10 and 3.15.2 headers, checked on live
 * processes of both). Everything the debug offsets do export (a str's length, an int's digits, a
 * dict's keys) is read from the target's own table instead ({@link DebugOffsets}).
 */
public final class ObjectLayout {

    /** {@code PyTypeObject.tp_basicsize}. */
    public static final int TP_BASICSIZE = 32;
    /** {@code PyTypeObject.tp_base}: after 31 words of head and slots. */
    public static final int TP_BASE = 256;
    /** {@code PyTypeObject.tp_dict}. */
    public static final int TP_DICT = 264;

    /** {@code PyFunctionObject.func_qualname} (after globals, builtins, name). */
    public static final int FUNC_QUALNAME = 40;
    /** {@code PyFunctionObject.func_code}. */
    public static final int FUNC_CODE = 48;
    /** {@code PyFunctionObject.func_module}. */
    public static final int FUNC_MODULE = 104;
    /** {@code PyMethodObject.im_func}. */
    public static final int METHOD_FUNC = 16;
    /** {@code PyCFunctionObject.m_ml}; {@code PyMethodDef.ml_name} is its first field. */
    public static final int CFUNC_ML = 16;

    /** {@code PyModuleObject.md_dict}. */
    public static final int MD_DICT = 16;
    /** A managed dict pointer sits 3 words before the object. */
    public static final int MANAGED_DICT_OFFSET = -24;

    /** {@code PyDictKeysObject}: log2 of the index size at 9, kind at 10, entry count at 24, indices at 32. */
    public static final int DK_LOG2_INDEX_BYTES = 9;
    public static final int DK_KIND = 10;
    public static final int DK_NENTRIES = 24;
    public static final int DK_INDICES = 32;

    private ObjectLayout() {
    }
}
