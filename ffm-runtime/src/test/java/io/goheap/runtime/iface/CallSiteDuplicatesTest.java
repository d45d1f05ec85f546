package io.goheap.runtime.iface;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.CallSiteDescriptor;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.TypeView;
import io.goheap.runtime.gosrc.GoSource;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.types.PackageImage;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a real Go 1.22 process does when a call site's source is an interface value whose itab getitab built
 * (its Hash is 0): the compiled probe starts at slot 0, so a cache whose entry lies where a probe from 0
 * does not reach keeps missing, and every rebuild the gates let through adds one more copy of the same
 * entry (Go's buildTypeAssertCache does not look for one). native/fixtures/callsite-dups-1.22.txt is the
 * real process's caches (native/fixtures/callsite-dups, read from its core); goheap's simulation of the
 * same sites, called as often, must end the same way for every type: one entry where slot 0 holds it, two
 * where the second copy wraps to slot 0, and a growing run of copies from the type's hash where nothing
 * ever reaches slot 0 (how many depends on the random gates: at least three).
 */
class CallSiteDuplicatesTest extends NativeMemoryTest {
    static final int TYPES = 8;
    static final int CALLS = 3_000_000;

    @Test
    void aZeroHashSourceGrowsTheCacheAsGoDoes() throws Exception {
        Map<String, long[]> real = new LinkedHashMap<>();
        for (String line : Files.readAllLines(NativeDir.get().resolve("fixtures/callsite-dups-1.22.txt"))) {
            if (!line.startsWith("#")) {
                String[] f = line.split(" ");
                real.put(f[0], Arrays.stream(f[3].split(",")).mapToLong(Long::parseLong).toArray());
            }
        }
        assertEquals(TYPES, real.size());
        StringBuilder src = new StringBuilder("package main\ntype Stringer interface{ String() string }\ntype Namer interface{ Name() string }\n");
        for (int k = 0; k < TYPES; k++) {
            src.append("type T").append(k).append(" struct{ n int }\n")
                    .append("func (t T").append(k).append(") String() string { return \"t\" }\n")
                    .append("func (t T").append(k).append(") Name() string { return \"T\" }\n");
        }
        GoRelease r = new GoRelease(22);
        try (GoRuntime rt = GoRuntime.start(r, 1)) {
            rt.link(PackageImage.compile(GoSource.parse("main.go", src.toString()), r));
            GoMemory mem = rt.sys().memory();
            CallSites sites = rt.callSites();
            CallSiteDescriptor d = sites.descriptor();
            long namer = rt.type("main.Namer").address();
            List<String> diffs = new ArrayList<>();
            for (int k = 0; k < TYPES; k++) {
                TypeView t = rt.type("main.T" + k);
                long tab = rt.itabs().getitab(rt.type("main.Stringer").address(), t.address(), false);
                assertEquals(0, mem.u32(tab + ItabDescriptor.HASH_OFFSET), "getitab's itab carries hash 0");
                CallSites.TypeAssert site = sites.typeAssert(namer, true);
                for (int i = 0; i < CALLS; i++) {
                    site.onIface(tab);
                }
                long c = site.cache();
                long mask = mem.u64(c + d.assertCacheMask);
                List<Long> slots = new ArrayList<>();
                for (long i = 0; i <= mask; i++) {
                    long e = c + d.assertCacheEntries + i * d.assertEntrySize;
                    long typ = mem.u64(e + d.assertEntryTyp);
                    if (typ != 0) {
                        assertEquals(t.address(), typ, "one type per site");
                        slots.add(i);
                    }
                }
                long[] want = real.get("main.T" + k);
                long[] got = slots.stream().mapToLong(Long::longValue).toArray();
                boolean same = want.length <= 2 ? Arrays.equals(want, got)
                        : got.length >= 3 && got[0] == (Integer.toUnsignedLong(t.hash()) & mask)
                        && got[got.length - 1] - got[0] == got.length - 1; // a run from the hash's slot
                if (!same) {
                    diffs.add(String.format("main.T%d: Go %s, goheap %s (mask %d)", k, Arrays.toString(want), Arrays.toString(got), mask));
                }
                System.out.printf("call-site duplicates main.T%d: Go %d entries, goheap %d (mask %d)%n", k, want.length, got.length, mask);
            }
            assertTrue(diffs.isEmpty(), String.join("\n", diffs));
        }
    }
}
