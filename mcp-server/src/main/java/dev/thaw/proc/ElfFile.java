package dev.thaw.proc;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of a 64-bit little-endian ELF file that thaw needs: section headers by name, program
 * headers, and section contents. Only headers are read eagerly (a few KB), so opening the ELF of
 * every candidate process stays cheap.
 */
public final class ElfFile implements AutoCloseable {

    public static final int PT_LOAD = 1;
    private static final int SHN_XINDEX = 0xffff;
    private static final int MAX_HEADERS = 65536;

    /** One section header; {@code addr} is the virtual address, {@code offset} the position in the file. */
    public record Section(String name, int type, long flags, long addr, long offset, long size, long align) {
    }

    public record ProgramHeader(int type, int flags, long offset, long vaddr, long fileSize, long memSize,
                                long align) {
        /** {@code p_vaddr} rounded down to {@code p_align}: where the loader puts offset 0 of the segment's page. */
        public long alignedVaddr() {
            return align > 1 ? vaddr - Long.remainderUnsigned(vaddr, align) : vaddr;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final int machine;
    private final List<Section> sections;
    private final List<ProgramHeader> programHeaders;

    private ElfFile(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        ByteBuffer h = readAt(0, 64);
        if (h.remaining() < 64 || h.getInt(0) != 0x464c457f) {
            throw invalid("not an ELF file");
        }
        if (h.get(4) != 2 || h.get(5) != 1) {
            throw invalid("not a 64-bit little-endian ELF file");
        }
        machine = Short.toUnsignedInt(h.getShort(18));
        long phoff = h.getLong(32);
        long shoff = h.getLong(40);
        int phentsize = Short.toUnsignedInt(h.getShort(54));
        int phnum = Short.toUnsignedInt(h.getShort(56));
        int shentsize = Short.toUnsignedInt(h.getShort(58));
        int shnum = Short.toUnsignedInt(h.getShort(60));
        int shstrndx = Short.toUnsignedInt(h.getShort(62));
        programHeaders = readProgramHeaders(phoff, phentsize, phnum);
        sections = readSections(shoff, shentsize, shnum, shstrndx);
    }

    /** Opens and parses the headers; a missing or non-ELF file is a {@link ThawException} ({@code elf_invalid}). */
    public static ElfFile open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ThawException(ErrorCode.ELF_UNREADABLE, "ELF file " + path + " does not exist.",
                    "The binary may have been removed; thaw falls back to scanning memory where it can.", e);
        } catch (IOException e) {
            throw new ThawException(ErrorCode.ELF_UNREADABLE, "Cannot open ELF file " + path + ": " + e.getMessage(),
                    "Run thaw as a user that can read the target's binary.", e);
        }
        try {
            return new ElfFile(path, ch);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            if (e instanceof ThawException te) {
                throw te;
            }
            throw new ThawException(ErrorCode.ELF_INVALID, "Cannot parse ELF file " + path + ": " + e.getMessage(),
                    "The file is not a valid 64-bit ELF binary.", e);
        }
    }

    public Path path() {
        return path;
    }

    /** {@code e_machine}: 62 is x86-64, 183 is aarch64. */
    public int machine() {
        return machine;
    }

    public List<Section> sections() {
        return sections;
    }

    public Optional<Section> section(String name) {
        for (Section s : sections) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public List<ProgramHeader> programHeaders() {
        return programHeaders;
    }

    public Optional<ProgramHeader> firstLoad() {
        return programHeaders.stream().filter(p -> p.type() == PT_LOAD).findFirst();
    }

    /** The first {@code maxLength} bytes of a section's contents in the file. */
    public byte[] read(Section section, int maxLength) {
        int len = (int) Math.min(section.size(), maxLength);
        return readBytes(section.offset(), len);
    }

    public byte[] readBytes(long offset, int length) {
        try {
            ByteBuffer b = readAt(offset, length);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw new ThawException(ErrorCode.ELF_UNREADABLE, "Cannot read " + path + ": " + e.getMessage(), null, e);
        }
    }

    /** True when the dynamic symbol table defines or imports {@code name}. */
    public boolean hasDynamicSymbol(String name) {
        Optional<Section> dynsym = section(".dynsym");
        Optional<Section> dynstr = section(".dynstr");
        if (dynsym.isEmpty() || dynstr.isEmpty() || dynstr.get().size() > 64L << 20
                || dynsym.get().size() > 64L << 20) {
            return false;
        }
        byte[] strings = read(dynstr.get(), Integer.MAX_VALUE);
        ByteBuffer syms = ByteBuffer.wrap(read(dynsym.get(), Integer.MAX_VALUE)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] want = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 24 <= syms.limit(); i += 24) {
            int nameOff = syms.getInt(i);
            if (nameOff >= 0 && matchesAt(strings, nameOff, want)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private List<ProgramHeader> readProgramHeaders(long phoff, int phentsize, int phnum) throws IOException {
        if (phnum == 0) {
            return List.of();
        }
        if (phentsize < 56 || phnum > MAX_HEADERS) {
            throw invalid("bad program header table");
        }
        ByteBuffer b = readAt(phoff, phentsize * phnum);
        List<ProgramHeader> out = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int o = i * phentsize;
            out.add(new ProgramHeader(b.getInt(o), b.getInt(o + 4), b.getLong(o + 8), b.getLong(o + 16),
                    b.getLong(o + 32), b.getLong(o + 40), b.getLong(o + 48)));
        }
        return List.copyOf(out);
    }

    private List<Section> readSections(long shoff, int shentsize, int shnum, int shstrndx) throws IOException {
        if (shoff == 0) {
            return List.of();
        }
        if (shentsize < 64) {
            throw invalid("bad section header size");
        }
        if (shnum == 0 || shstrndx == SHN_XINDEX) {
            // Extended numbering: the real values live in section 0's sh_size and sh_link.
            ByteBuffer s0 = readAt(shoff, 64);
            if (shnum == 0) {
                shnum = (int) Math.min(s0.getLong(32), MAX_HEADERS + 1L);
            }
            if (shstrndx == SHN_XINDEX) {
                shstrndx = s0.getInt(40);
            }
        }
        if (shnum > MAX_HEADERS || shstrndx >= shnum) {
            throw invalid("bad section header table");
        }
        ByteBuffer b = readAt(shoff, shentsize * shnum);
        if (b.remaining() < shentsize * shnum) {
            throw invalid("truncated section header table");
        }
        int strOff = shstrndx * shentsize;
        long namesOffset = b.getLong(strOff + 24);
        long namesSize = Math.min(b.getLong(strOff + 32), 1L << 20);
        ByteBuffer nb = readAt(namesOffset, (int) namesSize);
        byte[] names = new byte[nb.remaining()];
        nb.get(names);
        List<Section> out = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            int o = i * shentsize;
            out.add(new Section(cString(names, b.getInt(o)), b.getInt(o + 4), b.getLong(o + 8), b.getLong(o + 16),
                    b.getLong(o + 24), b.getLong(o + 32), b.getLong(o + 48)));
        }
        return List.copyOf(out);
    }

    private ByteBuffer readAt(long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        long pos = offset;
        while (b.hasRemaining()) {
            int n = channel.read(b, pos);
            if (n <= 0) {
                break;
            }
            pos += n;
        }
        return b.flip();
    }

    private static boolean matchesAt(byte[] strings, int off, byte[] want) {
        if (off + want.length >= strings.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (strings[off + i] != want[i]) {
                return false;
            }
        }
        return strings[off + want.length] == 0;
    }

    private static String cString(byte[] b, int off) {
        if (off < 0 || off >= b.length) {
            return "";
        }
        int end = off;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    private ThawException invalid(String why) {
        return new ThawException(ErrorCode.ELF_INVALID, path + " is " + why + ".",
                "thaw reads 64-bit little-endian ELF binaries (x86-64, aarch64) only.");
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // releasing the descriptor cannot be retried meaningfully
        }
    }
}
