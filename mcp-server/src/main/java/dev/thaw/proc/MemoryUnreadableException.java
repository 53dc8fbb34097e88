package dev.thaw.proc;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

/**
 * An address range of a live process could not be read: it is not mapped (any more), or the
 * mapping is not readable. Readers that race with a running target catch this one to retry.
 */
public final class MemoryUnreadableException extends ThawException {

    private final long address;
    private final int length;

    public MemoryUnreadableException(int pid, long address, int length, String why) {
        super(ErrorCode.MEMORY_UNREADABLE,
                "Cannot read " + length + " bytes at 0x" + Long.toHexString(address) + " in process " + pid
                        + (why == null ? "" : ": " + why) + ".",
                "The address is not mapped in the target. If the target is running this is usually a race; "
                        + "retry. Otherwise the process memory layout is not what thaw expects: report it with "
                        + "`thaw doctor " + pid + "`.");
        this.address = address;
        this.length = length;
    }

    public long address() {
        return address;
    }

    public int length() {
        return length;
    }
}
