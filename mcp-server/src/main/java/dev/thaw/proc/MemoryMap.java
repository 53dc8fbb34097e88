package dev.thaw.proc;

/**
 * One line of {@code /proc/PID/maps}.
 *
 * @param start   first address of the mapping
 * @param end     one past the last address
 * @param perms   the four permission letters, e.g. {@code r-xp}
 * @param offset  offset of the mapping in the file (0 for anonymous mappings)
 * @param device  {@code major:minor} in hex, as the kernel prints it
 * @param inode   inode of the mapped file, 0 for anonymous mappings
 * @param path    the path as printed (without the {@code " (deleted)"} suffix), a pseudo name such as
 *                {@code [heap]}, or empty
 * @param deleted true when the kernel marked the file as deleted (unlinked or replaced on disk)
 */
public record MemoryMap(long start, long end, String perms, long offset, String device, long inode, String path,
                        boolean deleted) {

    public long size() {
        return end - start;
    }

    public boolean readable() {
        return perms.length() > 0 && perms.charAt(0) == 'r';
    }

    public boolean writable() {
        return perms.length() > 1 && perms.charAt(1) == 'w';
    }

    public boolean executable() {
        return perms.length() > 2 && perms.charAt(2) == 'x';
    }

    /** A mapping of a real file (not anonymous, not a pseudo name like {@code [stack]}). */
    public boolean isFile() {
        return inode != 0 && path.startsWith("/");
    }

    /** The last path component, or the whole path when it has no slash. */
    public String basename() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    public boolean contains(long address) {
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    }

    /** The entry name under {@code /proc/PID/map_files/}: {@code start-end} in lowercase hex. */
    public String mapFilesName() {
        return Long.toHexString(start) + "-" + Long.toHexString(end);
    }

    /** True when both lines map the same file (same device and inode). */
    public boolean sameFileAs(MemoryMap other) {
        return isFile() && other.isFile() && inode == other.inode && device.equals(other.device);
    }
}
