package dev.thaw.python.asyncio;

import dev.thaw.ThawException;
import dev.thaw.proc.BoundedCache;
import dev.thaw.proc.ElfFile;
import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcFs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code _asyncio} module's debug offsets ({@code _Py_AsyncioModuleDebugOffsets}, 13 words in
 * the ELF section {@code .AsyncioDebug}): where a task keeps its name, coroutine, awaiters and list
 * node, and where a thread state and an interpreter keep their task lists. The section lives in
 * whichever file holds {@code _asyncio}: the extension module ({@code _asyncio.cpython-314-*.so} on
 * Debian 3.14) or the interpreter itself (built in, Debian 3.15); it is absent until {@code _asyncio}
 * is imported. Values are checked before use: a task field must fit inside the task, a list head
 * inside its state.
 */
record AsyncioOffsets(long taskSize, long taskName, long taskAwaitedBy, long taskIsTask, long taskAwaitedByIsSet,
                      long taskCoro, long taskNode, long interpSize, long interpTasksHead, long threadSize,
                      long threadRunningLoop, long threadRunningTask, long threadTasksHead) {

    static final String SECTION = ".AsyncioDebug";
    static final int SIZE = 13 * 8;


    static AsyncioOffsets decode(ByteBuffer b) {
        long[] w = new long[13];
        for (int i = 0; i < 13; i++) {
            w[i] = b.getLong(8 * i);
        }
        return new AsyncioOffsets(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11], w[12]);
    }

    /** Null when sound, else which field does not fit (the offsets are not what thaw expects). */
    String invalidField() {
        if (taskSize <= 0 || taskSize > 4096 || interpSize <= 0 || threadSize <= 0 || threadSize > 1 << 16) {
            return "sizes";
        }
        long[][] fields = {{taskName, 8}, {taskAwaitedBy, 8}, {taskCoro, 8}, {taskNode, 16}, {taskIsTask, 1},
                {taskAwaitedByIsSet, 1}};
        for (long[] f : fields) {
            if (f[0] < 16 || f[0] + f[1] > taskSize || (f[1] == 8 && f[0] % 8 != 0)) {
                return "task field at " + f[0];
            }
        }
        if (interpTasksHead + 16 > interpSize || threadTasksHead + 16 > threadSize
                || threadRunningLoop + 8 > threadSize || threadRunningTask + 8 > threadSize) {
            return "list head";
        }
        return null;
    }

    /** The address of {@code .AsyncioDebug} in the process, or empty when {@code _asyncio} is not loaded. */
    static Optional<Long> locate(ProcFs procFs, int pid, List<MemoryMap> maps, BoundedCache<String, Optional<Long>> known) {
        for (MemoryMap m : maps) {
            if (!m.isFile() || m.offset() != 0) {
                continue;
            }
            String base = m.basename();
            if (!base.contains("python") && !base.startsWith("_asyncio")) {
                continue;
            }
            Optional<Long> rel = sectionOffset(procFs, pid, m, known);
            if (rel.isPresent()) {
                return Optional.of(m.start() + rel.get());
            }
        }
        return Optional.empty();
    }

    /**
     * {@code sh_addr - first PT_LOAD's page-aligned vaddr} of the section in the mapped file, kept in
     * {@code sectionOffsets} by device, inode, size and mtime (a file that changes is another key).
     */
    private static Optional<Long> sectionOffset(ProcFs procFs, int pid, MemoryMap m,
                                                BoundedCache<String, Optional<Long>> sectionOffsets) {
        for (Path p : dev.thaw.proc.MappedFileRoutes.of(procFs, pid, m)) {
            Object key = fileKey(p, m.inode());
            if (key == null) {
                continue;
            }
            Optional<Long> known = sectionOffsets.get(key.toString());
            if (known != null) {
                return known;
            }
            try (ElfFile elf = ElfFile.open(p)) {
                Optional<ElfFile.Section> s = elf.section(SECTION);
                Optional<ElfFile.ProgramHeader> load = elf.firstLoad();
                Optional<Long> rel = s.isPresent() && load.isPresent() && s.get().size() >= SIZE
                        ? Optional.of(s.get().addr() - load.get().alignedVaddr()) : Optional.empty();
                sectionOffsets.put(key.toString(), rel);
                return rel;
            } catch (ThawException e) {
                // next route
            }
        }
        return Optional.empty();
    }


    /** dev:inode:size:mtime of the file when it is the mapped one (same inode), else null. */
    private static Object fileKey(Path p, long inode) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:ino,dev,size,lastModifiedTime");
            if (((Number) a.get("ino")).longValue() != inode) {
                return null;
            }
            return a.get("dev") + ":" + a.get("ino") + ":" + a.get("size") + ":" + a.get("lastModifiedTime");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
