package io.goheap.runtime.abi;

import io.goheap.runtime.mem.GoMemory;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A Go struct at an address, field by field, as JOL prints a Java object: offset, size, Go type, the
 * bytes, the value (fields of 1, 2, 4 or 8 bytes, unsigned) and, for a pointer-sized field, what the
 * value points at (as the caller's {@code describe} says it). The layout is the release's
 * ({@link GoStructs#of}); every byte is read through a bounds-checked {@link GoMemory}, so a bad address
 * is a {@link io.goheap.runtime.mem.BadAddressException} naming it. Static methods only.
 */
public final class StructDump {
    private StructDump() {
    }

    /** The 8-byte Go types that are numbers, never addresses. */
    private static final java.util.Set<String> NUMBERS = java.util.Set.of("int", "int64", "uint", "uint64", "float64", "complex64");

    /** One field: its name, offset and size, Go type, bytes in hex, value, and what it points at ("" if nothing). */
    public record Line(String field, long offset, long size, String goType, String hex, long value, String pointsAt) {
    }

    /** The fields of {@code s} at {@code addr}, read from {@code mem}; pointers described by {@code describe}. */
    public static List<Line> of(GoStructs.Struct s, GoMemory mem, long addr, LongFunction<String> describe) {
        List<Line> out = new ArrayList<>();
        for (GoStructs.Field f : s.fields()) {
            long at = addr + f.offset();
            byte[] b = mem.slice(at, f.size()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            long v = switch ((int) f.size()) {
                case 1 -> mem.u8(at);
                case 2 -> mem.u16(at);
                case 4 -> Integer.toUnsignedLong(mem.u32(at));
                case 8 -> mem.u64(at);
                default -> 0;
            };
            // a word that is no number is a pointer here: *T, func, unsafe.Pointer, uintptr, [1]uintptr (an
            // itab's fun), a name (internal/abi.Name: its one field is a pointer)
            boolean pointer = f.size() == 8 && !NUMBERS.contains(f.goType());
            String to = pointer && v != 0 ? describe.apply(v) : "";
            out.add(new Line(f.name(), f.offset(), f.size(), f.goType(), HexFormat.ofDelimiter(" ").formatHex(b), v, to == null ? "" : to));
        }
        return out;
    }

    /** {@link #of} as text: a header line naming the struct, its size and address, then a line per field. */
    public static String text(GoStructs.Struct s, GoMemory mem, long addr, LongFunction<String> describe) {
        StringBuilder b = new StringBuilder(String.format("%s (%s, %d bytes) at 0x%x%n", s.name(), s.goName(), s.size(), addr));
        b.append(String.format("  %6s %5s  %-16s %-24s %-23s  %s%n", "OFFSET", "SIZE", "FIELD", "TYPE", "BYTES", "VALUE"));
        for (Line l : of(s, mem, addr, describe)) {
            String hex = l.hex().length() > 23 ? l.hex().substring(0, 20) + "..." : l.hex();
            String value = l.size() <= 8 && Long.bitCount(l.size()) == 1 ? String.format("0x%x", l.value()) : "";
            b.append(String.format("  %6d %5d  %-16s %-24s %-23s  %s%s%n", l.offset(), l.size(), l.field(), elide(l.goType(), 24), hex, value,
                    l.pointsAt().isEmpty() ? "" : "  -> " + l.pointsAt()));
        }
        return b.toString();
    }

    private static String elide(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max / 2 - 1) + "..." + s.substring(s.length() - (max - max / 2 - 2));
    }
}
