package io.goheap.runtime.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** /proc/self/maps, parsed: the kernel's own list of this process's mappings. */
public final class ProcMaps {
    public record Range(long start, long end, String perms) {
    }

    private ProcMaps() {
    }

    public static List<Range> read() throws IOException {
        List<Range> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.split("\\s+");
            String[] se = f[0].split("-");
            out.add(new Range(Long.parseUnsignedLong(se[0], 16), Long.parseUnsignedLong(se[1], 16), f[1]));
        }
        return out;
    }

    /** Bytes of [start, end) that the kernel has mapped (any protection). */
    public static long mappedBytes(List<Range> maps, long start, long end) {
        long sum = 0;
        for (Range r : maps) {
            long lo = Math.max(r.start(), start);
            long hi = Math.min(r.end(), end);
            if (hi > lo) {
                sum += hi - lo;
            }
        }
        return sum;
    }

    /** The protection string ("rw-p") of the kernel mapping holding addr, or null. */
    public static String permsAt(List<Range> maps, long addr) {
        for (Range r : maps) {
            if (addr >= r.start() && addr < r.end()) {
                return r.perms();
            }
        }
        return null;
    }
}
