package io.goheap.runtime.elf;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The Go type names of an executable's DWARF: every debugging entry that carries Go's
 * {@code DW_AT_go_runtime_type} ({@code 0x2904}), by the runtime type descriptor it names.
 *
 * <p>Go's linker gives each type's entry the offset of its descriptor from {@code moduledata.types}
 * (0 when the type has none: a type only the debugger sees), and the entry's {@code DW_AT_name} is the
 * type as Go spells it with full import paths ({@code *github.com/a/b.T}), where the descriptor's own
 * string has the package name only ({@code *b.T}). So {@code names.get(types + off)} names a type or an
 * itab's two types the way the source does.
 *
 * <p>Read: {@code .debug_abbrev}, {@code .debug_info} and, where names point at them, {@code .debug_str}
 * and {@code .debug_line_str}; each section plain or {@code SHF_COMPRESSED} with zlib (Go compresses its
 * DWARF by default). Compilation units of DWARF 2 to 5 (Go writes 4, and 5 from Go 1.25), 32- and 64-bit
 * formats; every attribute form of DWARF 5 is skipped by its size. Everything is bounds-checked: a
 * truncated or corrupt section is a {@link MalformedFileException} naming the section offset. A binary
 * without DWARF (stripped, or linked with {@code -w}) has no names: {@link #NONE}.
 */
public final class DwarfTypes {
    /** Go's attribute: the offset of the type's runtime descriptor from {@code moduledata.types}. */
    public static final int DW_AT_GO_RUNTIME_TYPE = 0x2904;
    /** The largest section goheap inflates (Debian's hugo has 56 MiB of .debug_info). */
    public static final long MAX_SECTION = 1L << 30;
    /** No DWARF. */
    public static final DwarfTypes NONE = new DwarfTypes(Map.of(), "no DWARF");

    private static final int SHF_COMPRESSED = 0x800;
    /**
     * {@code Elf64_Chdr} of {@code <elf.h>}, the header of an {@code SHF_COMPRESSED} section: not among the
     * structs jextract bound for {@code io.goheap.layouts.elf}; {@code ElfLayoutTest} holds it to gcc's
     * {@code offsetof} and {@code sizeof}.
     */
    static final StructLayout CHDR = MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("ch_type"),
            ValueLayout.JAVA_INT.withName("ch_reserved"), ValueLayout.JAVA_LONG.withName("ch_size"),
            ValueLayout.JAVA_LONG.withName("ch_addralign"));
    private static final long CH_TYPE = CHDR.byteOffset(MemoryLayout.PathElement.groupElement("ch_type"));
    private static final long CH_SIZE = CHDR.byteOffset(MemoryLayout.PathElement.groupElement("ch_size"));
    private static final int ELFCOMPRESS_ZLIB = 1;
    private static final int DW_AT_NAME = 0x03;

    private final Map<Long, String> byOffset;
    private final String source;

    private DwarfTypes(Map<Long, String> byOffset, String source) {
        this.byOffset = byOffset;
        this.source = source;
    }

    /**
     * The types of {@code exe}'s DWARF, or {@link #NONE} if it has no {@code .debug_info}.
     *
     * @throws MalformedFileException if a DWARF section is truncated, corrupt or compressed other than with zlib
     */
    public static DwarfTypes of(ElfFile exe) {
        ElfFile.Section info = exe.section(".debug_info");
        ElfFile.Section abbrev = exe.section(".debug_abbrev");
        if (info == null || abbrev == null || !info.hasBytes() || !abbrev.hasBytes()) {
            return NONE;
        }
        Sec in = Sec.of(exe, info);
        Sec ab = Sec.of(exe, abbrev);
        ElfFile.Section str = exe.section(".debug_str");
        ElfFile.Section lineStr = exe.section(".debug_line_str");
        Sec st = str != null && str.hasBytes() ? Sec.of(exe, str) : null;
        Sec ls = lineStr != null && lineStr.hasBytes() ? Sec.of(exe, lineStr) : null;
        Map<Long, String> out = new HashMap<>();
        new Reader(in, ab, st, ls).read(out);
        return new DwarfTypes(Collections.unmodifiableMap(out), ".debug_info of " + exe.name());
    }

    /** True when the binary had DWARF type entries with descriptors. */
    public boolean present() {
        return !byOffset.isEmpty();
    }

    /** Where the names came from ({@code ".debug_info of FILE"}, or {@code "no DWARF"}). */
    public String source() {
        return source;
    }

    /** The DWARF name of the descriptor at {@code off} from {@code moduledata.types}, or null. */
    public String nameAtOffset(long off) {
        return byOffset.get(off);
    }

    /** Every descriptor offset and its DWARF name, by offset. */
    public Map<Long, String> byOffset() {
        return Collections.unmodifiableMap(new TreeMap<>(byOffset));
    }

    /** One section's bytes (inflated), and its name and file offset for messages. */
    private record Sec(String file, String name, long fileOffset, byte[] b) {
        static Sec of(ElfFile exe, ElfFile.Section s) {
            MemorySegment raw = exe.bytes(s);
            if ((s.flags() & SHF_COMPRESSED) == 0) {
                if (raw.byteSize() > MAX_SECTION) {
                    throw new MalformedFileException(exe.name(), s.offset(), s.name() + " of " + raw.byteSize() + " bytes is larger than " + MAX_SECTION);
                }
                return new Sec(exe.name(), s.name(), s.offset(), raw.toArray(ValueLayout.JAVA_BYTE));
            }
            if (raw.byteSize() < CHDR.byteSize()) {
                throw new MalformedFileException(exe.name(), s.offset(), s.name() + ": compressed, but shorter than its Elf64_Chdr");
            }
            int type = raw.get(ValueLayout.JAVA_INT_UNALIGNED, CH_TYPE);
            long size = raw.get(ValueLayout.JAVA_LONG_UNALIGNED, CH_SIZE);
            if (type != ELFCOMPRESS_ZLIB) {
                throw new MalformedFileException(exe.name(), s.offset(), s.name() + ": compression type " + type + " (goheap inflates zlib, type 1)");
            }
            if (size < 0 || size > MAX_SECTION) {
                throw new MalformedFileException(exe.name(), s.offset() + CH_SIZE, s.name() + ": inflated size " + Long.toUnsignedString(size) + " out of range");
            }
            byte[] z = raw.asSlice(CHDR.byteSize()).toArray(ValueLayout.JAVA_BYTE);
            Inflater inf = new Inflater();
            try {
                inf.setInput(z);
                // grown as the data inflates: a header that claims a large size costs nothing until the bytes come
                byte[] out = new byte[(int) Math.min(size, 1 << 20)];
                int n = 0;
                while (n < size && !inf.finished()) {
                    if (n == out.length) {
                        out = java.util.Arrays.copyOf(out, (int) Math.min(size, 2L * out.length));
                    }
                    int k = inf.inflate(out, n, out.length - n);
                    if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                        break;
                    }
                    n += k;
                }
                if (n != size) {
                    throw new MalformedFileException(exe.name(), s.offset() + CHDR.byteSize(), s.name() + ": inflates to " + n + " bytes, its header says " + size);
                }
                return new Sec(exe.name(), s.name(), s.offset(), out);
            } catch (DataFormatException e) {
                throw new MalformedFileException(exe.name(), s.offset() + CHDR.byteSize(), s.name() + ": bad zlib data: " + e.getMessage());
            } finally {
                inf.end();
            }
        }

        MalformedFileException bad(long off, String what) {
            return new MalformedFileException(file, fileOffset, name + " offset 0x" + Long.toHexString(off) + ": " + what);
        }
    }

    /** A bounds-checked cursor over one section. */
    private static final class Cur {
        final Sec s;
        int p;
        final int end;

        Cur(Sec s, int p, int end) {
            this.s = s;
            this.p = p;
            this.end = end;
        }

        private void need(long n, String what) {
            if (n < 0 || n > end - p) {
                throw s.bad(p, what + " runs past the end (" + n + " bytes needed, " + (end - p) + " left)");
            }
        }

        int u8() {
            need(1, "a byte");
            return s.b[p++] & 0xff;
        }

        int u16() {
            need(2, "a uint16");
            int v = (s.b[p] & 0xff) | (s.b[p + 1] & 0xff) << 8;
            p += 2;
            return v;
        }

        long u32() {
            return le(4, "a uint32");
        }

        long u64() {
            return le(8, "a uint64");
        }

        /** An {@code n}-byte little-endian number. */
        private long le(int n, String what) {
            need(n, what);
            long v = 0;
            for (int i = n - 1; i >= 0; i--) {
                v = v << 8 | (s.b[p + i] & 0xffL);
            }
            p += n;
            return v;
        }

        long uN(int n) {
            return switch (n) {
                case 1 -> u8();
                case 2 -> u16();
                case 3 -> u16() | (long) u8() << 16;
                case 4 -> u32();
                case 8 -> u64();
                default -> throw s.bad(p, "a " + n + "-byte value");
            };
        }

        long uleb() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                int b = u8();
                if (shift < 64) {
                    v |= (long) (b & 0x7f) << shift;
                }
                if ((b & 0x80) == 0) {
                    return v;
                }
                if (shift > 70) {
                    throw s.bad(p, "a LEB128 number longer than 10 bytes");
                }
            }
        }

        long sleb() {
            long v = 0;
            int shift = 0;
            int b;
            do {
                b = u8();
                if (shift < 64) {
                    v |= (long) (b & 0x7f) << shift;
                }
                shift += 7;
                if (shift > 77) {
                    throw s.bad(p, "a LEB128 number longer than 10 bytes");
                }
            } while ((b & 0x80) != 0);
            return shift < 64 && (b & 0x40) != 0 ? v | -1L << shift : v;
        }

        void skip(long n, String what) {
            need(n, what);
            p += (int) n;
        }

        String cstr() {
            int q = p;
            while (q < end && s.b[q] != 0) {
                q++;
            }
            if (q >= end) {
                throw s.bad(p, "a string without its NUL");
            }
            String v = new String(s.b, p, q - p, StandardCharsets.UTF_8);
            p = q + 1;
            return v;
        }
    }

    /** One abbreviation: tag, children flag, attribute/form pairs (implicit constants beside). */
    private record Abbrev(int[] attrs, int[] forms, long[] implicit) {
    }

    private static final class Reader {
        private final Sec info;
        private final Sec abbrev;
        private final Sec str;
        private final Sec lineStr;
        private final Map<Long, Map<Long, Abbrev>> tables = new HashMap<>();

        Reader(Sec info, Sec abbrev, Sec str, Sec lineStr) {
            this.info = info;
            this.abbrev = abbrev;
            this.str = str;
            this.lineStr = lineStr;
        }

        void read(Map<Long, String> out) {
            Cur c = new Cur(info, 0, info.b.length);
            while (c.p < c.end) {
                int unit = c.p;
                long len = c.u32();
                int offSize = 4;
                if (len == 0xffffffffL) {
                    len = c.u64();
                    offSize = 8;
                } else if (len >= 0xfffffff0L) {
                    throw info.bad(unit, "reserved unit length 0x" + Long.toHexString(len));
                }
                if (len > c.end - c.p) {
                    throw info.bad(unit, "unit of " + len + " bytes runs past the end");
                }
                int next = c.p + (int) len;
                Cur u = new Cur(info, c.p, next);
                int version = u.u16();
                long abbrevOff;
                int addrSize;
                if (version >= 5) {
                    int unitType = u.u8();
                    addrSize = u.u8();
                    abbrevOff = u.uN(offSize);
                    switch (unitType) {
                        case 1, 3 -> { } // DW_UT_compile, DW_UT_partial
                        case 4, 5 -> u.skip(8, "dwo_id"); // skeleton, split_compile
                        case 2, 6 -> u.skip(8 + offSize, "type signature and offset"); // type, split_type
                        default -> throw info.bad(unit, "unit type " + unitType);
                    }
                } else if (version >= 2) {
                    abbrevOff = u.uN(offSize);
                    addrSize = u.u8();
                } else {
                    throw info.bad(unit, "DWARF version " + version);
                }
                if (version > 5) {
                    throw info.bad(unit, "DWARF version " + version);
                }
                if (addrSize != 4 && addrSize != 8) {
                    throw info.bad(unit, "address size " + addrSize);
                }
                entries(u, table(abbrevOff), version, offSize, addrSize, out);
                c.p = next;
            }
        }

        private Map<Long, Abbrev> table(long off) {
            Map<Long, Abbrev> t = tables.get(off);
            if (t != null) {
                return t;
            }
            if (off < 0 || off >= abbrev.b.length) {
                throw abbrev.bad(off, "abbreviation table outside the section");
            }
            t = new HashMap<>();
            Cur c = new Cur(abbrev, (int) off, abbrev.b.length);
            for (;;) {
                long code = c.uleb();
                if (code == 0) {
                    break;
                }
                c.uleb(); // tag
                c.u8(); // children
                java.util.List<long[]> pairs = new java.util.ArrayList<>();
                for (;;) {
                    long attr = c.uleb();
                    long form = c.uleb();
                    if (attr == 0 && form == 0) {
                        break;
                    }
                    long imp = form == 0x21 ? c.sleb() : 0;
                    pairs.add(new long[] {attr, form, imp});
                }
                int[] attrs = new int[pairs.size()];
                int[] forms = new int[pairs.size()];
                long[] imps = new long[pairs.size()];
                for (int i = 0; i < attrs.length; i++) {
                    attrs[i] = (int) pairs.get(i)[0];
                    forms[i] = (int) pairs.get(i)[1];
                    imps[i] = pairs.get(i)[2];
                }
                t.put(code, new Abbrev(attrs, forms, imps));
            }
            tables.put(off, t);
            return t;
        }

        private void entries(Cur u, Map<Long, Abbrev> table, int version, int offSize, int addrSize, Map<Long, String> out) {
            while (u.p < u.end) {
                int at = u.p;
                long code = u.uleb();
                if (code == 0) {
                    continue; // the end of a sibling chain (or padding)
                }
                Abbrev a = table.get(code);
                if (a == null) {
                    throw info.bad(at, "abbreviation code " + code + " not in its table");
                }
                String name = null;
                long rtype = -1;
                for (int i = 0; i < a.attrs.length; i++) {
                    int attr = a.attrs[i];
                    if (attr == DW_AT_NAME) {
                        name = string(u, a.forms[i], offSize, addrSize, version);
                    } else if (attr == DW_AT_GO_RUNTIME_TYPE) {
                        rtype = constant(u, a.forms[i], a.implicit[i], offSize, addrSize, version);
                    } else {
                        skip(u, a.forms[i], offSize, addrSize, version);
                    }
                }
                if (rtype > 0 && name != null) {
                    out.putIfAbsent(rtype, name);
                }
            }
        }

        private String string(Cur u, int form, int offSize, int addrSize, int version) {
            return switch (form) {
                case 0x08 -> u.cstr(); // string
                case 0x0e -> at(str, u.uN(offSize), u); // strp
                case 0x1f -> at(lineStr, u.uN(offSize), u); // line_strp
                default -> {
                    skip(u, form, offSize, addrSize, version); // strx (no str_offsets base read here), or not a string
                    yield null;
                }
            };
        }

        private String at(Sec s, long off, Cur u) {
            if (s == null) {
                throw info.bad(u.p, "a name in a string section the file does not have");
            }
            if (off < 0 || off >= s.b.length) {
                throw s.bad(off, "string outside the section");
            }
            return new Cur(s, (int) off, s.b.length).cstr();
        }

        private long constant(Cur u, int form, long implicit, int offSize, int addrSize, int version) {
            return switch (form) {
                case 0x0b -> u.u8();
                case 0x05 -> u.u16();
                case 0x06 -> u.u32();
                case 0x07 -> u.u64();
                case 0x0f -> u.uleb();
                case 0x0d -> u.sleb();
                case 0x21 -> implicit;
                case 0x01 -> u.uN(addrSize);
                default -> {
                    skip(u, form, offSize, addrSize, version);
                    yield -1;
                }
            };
        }

        /** Skips one attribute value of {@code form}: every form of DWARF 5 by its size. */
        private void skip(Cur u, int form, int offSize, int addrSize, int version) {
            switch (form) {
                case 0x01 -> u.skip(addrSize, "an address"); // addr
                case 0x03 -> u.skip(u.u16(), "a block2");
                case 0x04 -> u.skip(u.u32(), "a block4");
                case 0x05, 0x12 -> u.skip(2, "a 2-byte value"); // data2, ref2
                case 0x06, 0x13, 0x1c -> u.skip(4, "a 4-byte value"); // data4, ref4, ref_sup4
                case 0x07, 0x14, 0x20, 0x24 -> u.skip(8, "an 8-byte value"); // data8, ref8, ref_sig8, ref_sup8
                case 0x08 -> u.cstr();
                case 0x09, 0x18 -> u.skip(u.uleb(), "a block"); // block, exprloc
                case 0x0a -> u.skip(u.u8(), "a block1");
                case 0x0b, 0x0c, 0x11, 0x25, 0x29 -> u.skip(1, "a 1-byte value"); // data1, flag, ref1, strx1, addrx1
                case 0x0d -> u.sleb();
                case 0x0e, 0x17, 0x1d, 0x1f -> u.skip(offSize, "an offset"); // strp, sec_offset, strp_sup, line_strp
                case 0x10 -> u.skip(version <= 2 ? addrSize : offSize, "a ref_addr");
                case 0x0f, 0x15, 0x1a, 0x1b, 0x22, 0x23 -> u.uleb(); // udata, ref_udata, strx, addrx, loclistx, rnglistx
                case 0x16 -> { // indirect: the form follows; an indirect form of an indirect form is refused (no recursion to exhaust)
                    long f = u.uleb();
                    if (f == 0x16 || f < 0 || f > 0xff) {
                        throw info.bad(u.p, "indirect attribute form 0x" + Long.toHexString(f));
                    }
                    skip(u, (int) f, offSize, addrSize, version);
                }
                case 0x19, 0x21 -> { } // flag_present, implicit_const: no bytes
                case 0x1e -> u.skip(16, "a data16");
                case 0x26, 0x2a -> u.skip(2, "a 2-byte index"); // strx2, addrx2
                case 0x27, 0x2b -> u.skip(3, "a 3-byte index"); // strx3, addrx3
                case 0x28, 0x2c -> u.skip(4, "a 4-byte index"); // strx4, addrx4
                default -> throw info.bad(u.p, "attribute form 0x" + Integer.toHexString(form) + " (not DWARF 5)");
            }
        }
    }
}
