package io.goheap.runtime.iface;

import io.goheap.runtime.abi.CallSiteDescriptor;
import io.goheap.runtime.abi.ItabProbe;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.inspect.GoImage;
import io.goheap.runtime.inspect.RuntimeState;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.testing.ReleaseFixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * goheap's probe and table sizing against caches a real Go runtime filled: in each release's core of
 * {@code native/fixtures/inspect-rel} (its assertion loop fills its sites' caches), every entry of every
 * cache is where {@link CallSiteDescriptor#findAssert} / {@link CallSiteDescriptor#findSwitch} look for
 * it from its type's hash (proving {@code Hash & Mask} and the step of one), and every cache has the size
 * {@code buildTypeAssertCache} gives its entries ({@link CallSites#slots}).
 */
class RealCacheProbeTest {
    @ParameterizedTest
    @ValueSource(strings = {"1.22", "1.23", "1.24", "1.25", "1.26", "1.27"})
    void theProbeFindsEveryEntryOfARealCore(String release) throws Exception {
        try (ElfFile core = ElfFile.open(ReleaseFixtures.file(release, "inspect.core"));
             ElfFile exe = ElfFile.open(ReleaseFixtures.file(release, "inspect"));
             GoImage img = GoImage.ofCore(core, exe)) {
            CallSiteDescriptor d = new CallSiteDescriptor(img.abi());
            GoMemory mem = img.space();
            RuntimeState st = new RuntimeState(img);
            assertNotNull(st.caches(), st.findings().toString());
            int filled = 0;
            for (RuntimeState.CacheSite s : st.caches()) {
                if (s.entries().isEmpty()) {
                    continue;
                }
                filled++;
                boolean sw = s.kind().equals("interfaceSwitch");
                Set<Long> types = new HashSet<>();
                for (RuntimeState.CacheEntry e : s.entries()) {
                    long hash = Integer.toUnsignedLong(mem.u32(e.typ() + ItabProbe.TYPE_HASH));
                    long at = sw ? d.findSwitch(mem, s.cache(), e.typ(), hash) : d.findAssert(mem, s.cache(), e.typ(), hash);
                    long want = s.cache() + (sw ? d.switchCacheEntries + e.slot() * d.switchEntrySize
                            : d.assertCacheEntries + e.slot() * d.assertEntrySize);
                    assertNotEquals(0, at, s.symbol() + " slot " + e.slot());
                    if (types.add(e.typ())) {
                        assertEquals(want, at, s.symbol() + ": the probe from Hash & Mask meets slot " + e.slot());
                    }
                }
                long slots = s.mask() + 1;
                assertTrue(2L * s.entries().size() <= slots, s.symbol() + ": at most half full");
                if (types.size() == s.entries().size()) {
                    assertEquals(CallSites.slots(s.entries().size()), slots, s.symbol() + ": 2 * entries rounded up to a power of two");
                }
            }
            assertTrue(filled > 0, "the core has filled caches");
        }
    }
}
