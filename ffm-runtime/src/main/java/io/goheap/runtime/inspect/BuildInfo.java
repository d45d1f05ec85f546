package io.goheap.runtime.inspect;

import io.goheap.runtime.abi.Abi;

import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.mem.BadAddressException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The build information the Go linker writes to {@code .go.buildinfo} (what {@code go version -m}
 * prints; format from debug/buildinfo): a 32-byte header starting with the 14 bytes
 * {@code "\xff Go buildinf:"}, a pointer size and a flags byte; with flag 2 (Go 1.18+) the header is
 * followed by two varint-prefixed strings, the Go version and the module info, else it holds
 * pointers to two Go string headers. The module info's lines are tab-separated:
 * {@code path}, {@code mod}, {@code dep}, {@code =>} (replacement) and {@code build} settings.
 */
public record BuildInfo(String goVersion, String path, Module main, List<Module> deps, List<String> settings) {
    /** A module: path, version, sum (empty when unknown). */
    public record Module(String path, String version, String sum) {
    }

    static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    /** The header's size and the alignment the linker gives it. */
    static final int HEADER = 32;
    private static final int PTR_SIZE_AT = 14;
    private static final int FLAGS_AT = 15;
    private static final int FLAG_INLINE = 2;
    private static final int SENTINEL = 16;
    private static final int MAX_STRING = 1 << 20;

    /**
     * True when the header at {@code addr} has the inline form (flag 2: the strings follow the header as
     * varints, no pointers; every Go 1.18+ build), which a load offset does not change.
     */
    static boolean isInline(GoMemory space, long addr) {
        return isHeader(space, addr) && (space.u8(addr + FLAGS_AT) & FLAG_INLINE) != 0;
    }

    /** True when the 32 bytes at {@code addr} start with the build info magic. */
    static boolean isHeader(GoMemory space, long addr) {
        if (!space.contains(addr, HEADER)) {
            return false;
        }
        MemorySegment h = space.slice(addr, MAGIC.length);
        for (int i = 0; i < MAGIC.length; i++) {
            if (h.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Decodes the build info at {@code addr}.
     *
     * @throws BadAddressException if it runs out of the address space
     * @throws IllegalStateException if the header is not a build info header
     */
    static BuildInfo read(GoMemory space, long addr) {
        if (!isHeader(space, addr)) {
            throw new IllegalStateException(String.format("no build info magic at 0x%x", addr));
        }
        int ptrSize = space.u8(addr + PTR_SIZE_AT);
        int flags = space.u8(addr + FLAGS_AT);
        String version;
        String mod;
        if ((flags & FLAG_INLINE) != 0) {
            long[] at = {addr + HEADER};
            version = varintString(space, at);
            mod = varintString(space, at);
        } else {
            if (ptrSize != 8) {
                throw new IllegalStateException("build info pointer size " + ptrSize + " (only 64-bit is read)");
            }
            version = stringHeader(space, space.u64(addr + SENTINEL));
            mod = stringHeader(space, space.u64(addr + SENTINEL + Abi.PTR_SIZE));
        }
        return parse(version, mod);
    }

    static BuildInfo parse(String version, String mod) {
        // the module info is framed by 16-byte sentinels; a newline before the closing one
        if (mod.length() >= 2 * SENTINEL + 1 && mod.charAt(mod.length() - SENTINEL - 1) == '\n') {
            mod = mod.substring(SENTINEL, mod.length() - SENTINEL);
        }
        String path = "";
        Module main = null;
        List<Module> deps = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        for (String line : mod.split("\n")) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "path" -> path = f.length > 1 ? f[1] : "";
                case "mod" -> main = module(f);
                case "dep" -> deps.add(module(f));
                case "=>" -> {
                    if (!deps.isEmpty()) {
                        Module r = module(f);
                        Module d = deps.remove(deps.size() - 1);
                        deps.add(new Module(d.path() + " => " + r.path(), r.version(), r.sum()));
                    }
                }
                case "build" -> settings.add(f.length > 1 ? String.join("\t", java.util.Arrays.copyOfRange(f, 1, f.length)) : "");
                default -> {
                }
            }
        }
        return new BuildInfo(version, path, main, List.copyOf(deps), List.copyOf(settings));
    }

    private static Module module(String[] f) {
        return new Module(f.length > 1 ? f[1] : "", f.length > 2 ? f[2] : "", f.length > 3 ? f[3] : "");
    }

    private static String varintString(GoMemory space, long[] at) {
        long n = 0;
        int shift = 0;
        for (int i = 0; ; i++) {
            if (i == 5) {
                throw new BadAddressException(at[0], i, space.describe() + " (build info length varint too long)");
            }
            int b = space.u8(at[0]++);
            n |= (long) (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (n > MAX_STRING) {
            throw new BadAddressException(at[0], n, space.describe() + " (build info string of " + n + " bytes)");
        }
        String s = new String(space.slice(at[0], n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        at[0] += n;
        return s;
    }

    private static String stringHeader(GoMemory space, long hdr) {
        long p = space.u64(hdr + Abi.STRING_STR);
        long n = space.u64(hdr + Abi.STRING_LEN);
        if (n < 0 || n > MAX_STRING) {
            throw new BadAddressException(p, n, space.describe() + " (build info string of " + n + " bytes)");
        }
        return new String(space.slice(p, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }
}
