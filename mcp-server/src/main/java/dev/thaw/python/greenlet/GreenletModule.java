package dev.thaw.python.greenlet;

import dev.thaw.ThawException;
import dev.thaw.proc.ElfFile;
import dev.thaw.proc.MemoryMap;
import dev.thaw.proc.ProcFs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The greenlet extension ({@code greenlet/_greenlet*.so}, greenlet 2.0 and later, C++) mapped into the
 * target, and the three vtables its C++ greenlet objects start with. The {@code .so} is stripped of
 * debug symbols, but its dynamic symbol table exports the vtables ({@code _ZTVN8greenlet12UserGreenletE},
 * {@code ...MainGreenletE}, {@code ...BrokenGreenletE}); every live {@code greenlet::Greenlet} begins
 * with one of them plus 16 (the Itanium C++ ABI's offset-to-top and RTTI words come first).
 *
 * @param path      the mapped file as the target sees it
 * @param userVptr  the vtable pointer of a user greenlet in memory
 * @param mainVptr  the vtable pointer of a thread's main greenlet
 * @param brokenVptr the vtable pointer of a broken greenlet (0 when not exported)
 */
record GreenletModule(String path, long userVptr, long mainVptr, long brokenVptr) {

    static final String USER_VTABLE = "_ZTVN8greenlet12UserGreenletE";
    static final String MAIN_VTABLE = "_ZTVN8greenlet12MainGreenletE";
    static final String BROKEN_VTABLE = "_ZTVN8greenlet14BrokenGreenletE";
    private static final Pattern VERSION = Pattern.compile("__version__\\s*=\\s*['\"]([^'\"]{1,40})['\"]");

    /** Why greenlets cannot be read although the module is loaded. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String why) {
            super(why, null, false, false);
        }
    }

    /** The mapping of the greenlet extension, if one is loaded. */
    static Optional<MemoryMap> mapping(List<MemoryMap> maps) {
        for (MemoryMap m : maps) {
            if (m.isFile() && m.offset() == 0 && m.basename().startsWith("_greenlet.")
                    && m.path().contains("greenlet/")) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads the vtable symbols of the mapped extension.
     *
     * @throws Unsupported when the file cannot be read or exports no greenlet vtables (greenlet
     *                     older than 2.0, a C implementation with another layout)
     */
    static GreenletModule of(ProcFs procFs, int pid, MemoryMap m) {
        for (Path p : dev.thaw.proc.MappedFileRoutes.of(procFs, pid, m)) {
            if (!sameInode(p, m.inode())) {
                continue;
            }
            try (ElfFile elf = ElfFile.open(p)) {
                long bias = m.start() - elf.firstLoad().orElseThrow(() -> new Unsupported("no PT_LOAD")).alignedVaddr();
                long[] v = symbols(elf, USER_VTABLE, MAIN_VTABLE, BROKEN_VTABLE);
                if (v[0] == 0 || v[1] == 0) {
                    throw new Unsupported("its greenlet extension " + m.path() + " exports no greenlet::UserGreenlet and "
                            + "greenlet::MainGreenlet vtables (greenlet older than 2.0, or a build thaw does not know)");
                }
                return new GreenletModule(m.path(), bias + v[0] + 16, bias + v[1] + 16, v[2] == 0 ? 0 : bias + v[2] + 16);
            } catch (ThawException e) {
                // try the next route
            }
        }
        throw new Unsupported("its greenlet extension " + m.path() + " could not be read from outside the process");
    }


    private static boolean sameInode(Path p, long inode) {
        try {
            return ((Number) Files.getAttribute(p, "unix:ino")).longValue() == inode;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@code st_value} of each named dynamic symbol, 0 when absent. */
    private static long[] symbols(ElfFile elf, String... names) {
        long[] out = new long[names.length];
        Optional<ElfFile.Section> dynsym = elf.section(".dynsym");
        Optional<ElfFile.Section> dynstr = elf.section(".dynstr");
        if (dynsym.isEmpty() || dynstr.isEmpty() || dynsym.get().size() > 16L << 20 || dynstr.get().size() > 16L << 20) {
            return out;
        }
        byte[] strings = elf.read(dynstr.get(), Integer.MAX_VALUE);
        ByteBuffer syms = ByteBuffer.wrap(elf.read(dynsym.get(), Integer.MAX_VALUE)).order(ByteOrder.LITTLE_ENDIAN);
        byte[][] wanted = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            wanted[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        for (int at = 0; at + 24 <= syms.limit(); at += 24) {
            int nameOff = syms.getInt(at);
            for (int i = 0; i < names.length; i++) {
                if (out[i] == 0 && matchesAt(strings, nameOff, wanted[i])) {
                    out[i] = syms.getLong(at + 8);
                }
            }
        }
        return out;
    }

    private static boolean matchesAt(byte[] strings, int off, byte[] want) {
        if (off < 0 || off + want.length >= strings.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (strings[off + i] != want[i]) {
                return false;
            }
        }
        return strings[off + want.length] == 0;
    }

    /**
     * greenlet's {@code __version__} from the package's {@code __init__.py} next to the mapped
     * extension, for refusals; "unknown version" when it cannot be read safely (only a regular file
     * of at most 64 KiB, opened without following a link, is read).
     */
    static String version(ProcFs procFs, int pid, String mappedPath) {
        String dir = mappedPath.substring(0, mappedPath.lastIndexOf('/'));
        String root = procFs.readLink(pid, "root").orElse("/");
        String inRoot = !root.equals("/") && dir.startsWith(root + "/") ? dir.substring(root.length()) : dir;
        try {
            // Resolved by thaw inside the target's root: a directory link planted there must not lead to a host file.
            Path init = dev.thaw.proc.TargetPaths.resolve(procFs, pid, inRoot + "/__init__.py");
            if (init == null) {
                return "unknown version";
            }
            BasicFileAttributes a = Files.readAttributes(init, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() > 65536) {
                return "unknown version";
            }
            ByteBuffer b = ByteBuffer.allocate((int) a.size());
            try (SeekableByteChannel ch = Files.newByteChannel(init, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                while (b.hasRemaining() && ch.read(b) > 0) {
                    // read up to the size seen
                }
            }
            Matcher mv = VERSION.matcher(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
            return mv.find() ? "greenlet " + mv.group(1) : "unknown version";
        } catch (IOException | RuntimeException e) {
            return "unknown version";
        }
    }
}
