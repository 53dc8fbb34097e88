package dev.thaw.python;

/**
 * What a process is, as far as CPython goes: the answer of {@link PythonProbe#identify}.
 *
 * @param version            the interpreter version from {@code _Py_DebugOffsets.version}; null for a
 *                           CPython older than 3.13, which has no debug offsets to read it from
 * @param freeThreaded       a {@code --disable-gil} build
 * @param runtimeAddress     the address of {@code _PyRuntime} in the target (0 when unknown)
 * @param remoteDebugEnabled PEP 768 {@code config.remote_debug} of the main interpreter; null when it
 *                           could not be read or the version has no PEP 768 (3.13)
 * @param versionFromMemory  false when the target's memory was unreadable and the version came from
 *                           the static bytes of the ELF section on disk
 * @param unsupportedReason  why {@code snapshot} cannot read this process, or null when it can
 *                           (3.14 and 3.15 final releases, GIL builds)
 */
public record PythonIdentity(PythonVersion version, boolean freeThreaded, long runtimeAddress,
                             Boolean remoteDebugEnabled, boolean versionFromMemory, String unsupportedReason) {

    public boolean supported() {
        return unsupportedReason == null;
    }
}
