package dev.thaw.python;

import dev.thaw.ThawException;
import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.ElfFile;
import dev.thaw.proc.MappedFileRoutes;
import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcFs;
import dev.thaw.proc.ProcessGoneException;
import dev.thaw.proc.ProcessMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds {@code _PyRuntime} in a live process the way CPython's own remote debugger does
 * (Python/remote_debug.h): every mapped file whose name contains "python" (the binary or libpython),
 * its {@code .PyRuntime} section relocated by the load base, validated by the {@code "xdebugpy"}
 * cookie in memory. Additions over CPython: the main executable is tried last even when its name
 * lacks "python" (embedders), the ELF is opened through {@code /proc/PID/map_files} or
 * {@code /proc/PID/root} so containers work, and a deleted binary falls back to scanning its
 * writable mapping for the cookie.
 */
public final class PyRuntimeLocator {

    private static final Logger log = LoggerFactory.getLogger(PyRuntimeLocator.class);

    /** Bytes of the section kept from the file: enough for the largest known _Py_DebugOffsets. */
    static final int STATIC_BYTES = 1024;
    private static final int SCAN_CHUNK = 256 * 1024;
    private static final long SCAN_LIMIT = 64L << 20;

    /** How one mapped file relates to {@code .PyRuntime}, as read from its ELF headers. */
    record ElfInfo(boolean hasSection, long sectionAddr, long loadBase, byte[] staticBytes, boolean legacyCPython) {
    }

    /**
     * A candidate location.
     *
     * @param address     where {@code _PyRuntime} is (0 for a legacy CPython without debug offsets)
     * @param mapping     the offset-0 mapping of the file it belongs to
     * @param method      {@code elf} or {@code cookie-scan}
     * @param staticBytes the section's initial contents from the file (null after a cookie scan)
     * @param legacy      a CPython binary older than 3.13: no cookie, no debug offsets
     */
    public record Found(long address, MemoryMap mapping, String method, byte[] staticBytes, boolean legacy) {
    }

    private PyRuntimeLocator() {
    }

    /**
     * The offset-0 mapping of every file worth trying, in the order to try them: files whose
     * basename contains "python" in address order, then the main executable.
     */
    public static List<MemoryMap> candidates(List<MemoryMap> maps, long exeInode) {
        List<MemoryMap> out = new ArrayList<>();
        MemoryMap exe = null;
        for (MemoryMap m : maps) {
            if (!m.isFile() || m.offset() != 0 || out.stream().anyMatch(m::sameFileAs)) {
                continue;
            }
            if (m.basename().contains("python")) {
                out.add(m);
            } else if (m.inode() == exeInode && exe == null) {
                exe = m;
            }
        }
        if (exe != null && out.stream().noneMatch(exe::sameFileAs)) {
            out.add(exe);
        }
        return out;
    }

    /**
     * Every plausible {@code _PyRuntime} of the process, best first. With {@code mem} each is
     * validated by the cookie in memory; without it (memory unreadable) the file's static bytes
     * must carry the cookie and the file must be the very one mapped (same inode). What each file's
     * ELF headers say is kept in {@code caches} (files are keyed by inode, device, size, mtime).
     */
    public static List<Found> locate(ProcFs procFs, int pid, List<MemoryMap> maps, ProcessMemory mem,
                                     PythonCaches caches) {
        List<Found> found = new ArrayList<>();
        for (MemoryMap m : candidates(maps, exeInode(procFs, pid))) {
            Optional<ElfInfo> info = elfInfo(procFs, pid, m, mem != null, caches.elfFiles);
            if (info.isPresent() && info.get().hasSection()) {
                long address = m.start() + info.get().sectionAddr() - info.get().loadBase();
                if (mem == null || cookieAt(mem, address)) {
                    found.add(new Found(address, m, "elf", info.get().staticBytes(), false));
                    continue;
                }
                log.debug("pid {}: no cookie at 0x{} for {}", pid, Long.toHexString(address), m.path());
            } else if (info.isPresent() && info.get().legacyCPython()) {
                found.add(new Found(0, m, "elf", null, true));
                continue;
            }
            if (mem != null && (info.isEmpty() || m.deleted()) && m.basename().contains("python")) {
                scanForCookie(mem, maps, m).ifPresent(a -> found.add(new Found(a, m, "cookie-scan", null, false)));
            }
        }
        return found;
    }

    /**
     * Scans the writable mappings of the file (and the anonymous mapping right after them, its
     * .bss) for the cookie at 8-byte alignment, for binaries deleted or replaced on disk.
     * The version word behind the cookie must be plausible, so a stray "xdebugpy" is not taken.
     */
    public static Optional<Long> scanForCookie(ProcessMemory mem, List<MemoryMap> maps, MemoryMap file) {
        ByteBuffer buf = ByteBuffer.allocate(SCAN_CHUNK + 16).order(ByteOrder.LITTLE_ENDIAN);
        long budget = SCAN_LIMIT;
        for (int i = 0; i < maps.size(); i++) {
            MemoryMap m = maps.get(i);
            if (!m.sameFileAs(file) || !m.writable() || !m.readable()) {
                continue;
            }
            for (long at = m.start(); at < m.end() && budget > 0; at += SCAN_CHUNK) {
                int want = (int) Math.min(SCAN_CHUNK + 16, m.end() - at);
                buf.clear().limit(want);
                int got = mem.readAtMost(at, buf);
                budget -= got;
                for (int off = 0; off + 16 <= got; off += 8) {
                    if (buf.getLong(off) == COOKIE_LE && PythonVersion.plausible(buf.getLong(off + 8))) {
                        return Optional.of(at + off);
                    }
                }
                if (got < want) {
                    break;
                }
            }
        }
        return Optional.empty();
    }

    private static final long COOKIE_LE = ByteBuffer.wrap(DebugOffsets.COOKIE.getBytes(
            java.nio.charset.StandardCharsets.ISO_8859_1)).order(ByteOrder.LITTLE_ENDIAN).getLong(0);

    private static boolean cookieAt(ProcessMemory mem, long address) {
        try {
            return mem.readLong(address) == COOKIE_LE;
        } catch (ProcessGoneException e) {
            throw e;
        } catch (ThawException e) {
            return false;
        }
    }

    /**
     * Reads the ELF headers of a mapped file, trying the routes in order of trust:
     * {@code map_files} (the mapped file itself, even if deleted; needs CAP_SYS_ADMIN), then the
     * path inside the target's root, then the path as we see it. The last two must have the mapped inode unless
     * memory is readable to validate the result anyway.
     */
    static Optional<ElfInfo> elfInfo(ProcFs procFs, int pid, MemoryMap m, boolean canValidate,
                                     BoundedCache<String, ElfInfo> cache) {
        List<Path> routes = new ArrayList<>(MappedFileRoutes.of(procFs, pid, m));
        if (!m.deleted()) {
            routes.add(Path.of(m.path())); // the path as we see it, last (validated by the inode or memory)
        }
        Path fallback = null;
        for (Path p : routes) {
            Object[] key = fileKey(p);
            if (key == null) {
                continue;
            }
            if ((long) key[0] != m.inode()) {
                if (fallback == null && canValidate && !p.startsWith(procFs.pidDir(pid).resolve("map_files"))) {
                    fallback = p;
                }
                continue;
            }
            return read(p, key, cache);
        }
        if (fallback != null) {
            Object[] key = fileKey(fallback);
            return key == null ? Optional.empty() : read(fallback, key, cache);
        }
        return Optional.empty();
    }

    private static Optional<ElfInfo> read(Path p, Object[] key, BoundedCache<String, ElfInfo> cache) {
        String cacheKey = key[0] + ":" + key[1] + ":" + key[2] + ":" + key[3];
        ElfInfo cached = cache.get(cacheKey);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (ElfFile elf = ElfFile.open(p)) {
            ElfInfo info = describe(elf);
            cache.put(cacheKey, info);
            return Optional.of(info);
        } catch (ThawException e) {
            log.debug("cannot read ELF {}: {}", p, e.getMessage());
            return Optional.empty();
        }
    }

    static ElfInfo describe(ElfFile elf) {
        Optional<ElfFile.Section> section = elf.section(".PyRuntime");
        Optional<ElfFile.ProgramHeader> load = elf.firstLoad();
        if (section.isPresent() && load.isPresent()) {
            byte[] head = elf.read(section.get(), STATIC_BYTES);
            if (DebugOffsets.hasCookie(head)) {
                return new ElfInfo(true, section.get().addr(), load.get().alignedVaddr(), head, false);
            }
        }
        // No debug offsets: CPython before 3.13 still exports its runtime and C API.
        boolean legacy = section.isPresent() || elf.hasDynamicSymbol("Py_Initialize")
                || elf.hasDynamicSymbol("_PyRuntime");
        return new ElfInfo(false, 0, 0, null, legacy && elf.hasDynamicSymbol("PyEval_EvalCode"));
    }

    /** inode, device, size, mtime of a file, or null when it cannot be stat'ed. */
    private static Object[] fileKey(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:ino,dev,size,lastModifiedTime");
            return new Object[]{a.get("ino"), a.get("dev"), a.get("size"), a.get("lastModifiedTime")};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long exeInode(ProcFs procFs, int pid) {
        try {
            return (long) Files.getAttribute(procFs.pidDir(pid).resolve("exe"), "unix:ino");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
