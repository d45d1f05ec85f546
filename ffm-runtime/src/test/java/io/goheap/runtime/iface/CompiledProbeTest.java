package io.goheap.runtime.iface;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.CallSiteDescriptor;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.ItabProbe;
import io.goheap.runtime.testing.NativeDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast path {@link CallSites} runs is the code Go's compiler generates: {@code asserts-1.N.probe.txt}
 * ({@code native/fixtures/make-probe-fixtures.sh}) is {@code go tool objdump} of asserts.go's two type
 * assertions and its type switch as each release compiled them, and every offset and step in it is the
 * one of {@link CallSiteDescriptor}: the Cache word loaded with a plain {@code MOVQ} (amd64's atomic
 * pointer load), the mask at the cache's start, {@code Type.Hash} (an eface's type word), the index
 * {@code & mask} times the entry size (16: {@code SHLQ $4}; 24: {@code LEAQ (CX)(CX*2)} then {@code *8}),
 * {@code Typ} compared, 0 ending the loop, {@code hash + 1}, and the hit's {@code Itab} (and {@code Case}).
 * The probes' instructions are the same in every release from 1.22 to 1.27, addresses aside.
 */
class CompiledProbeTest {
    static List<String> instructions(String release) throws Exception {
        Path p = NativeDir.get().resolve("fixtures/asserts-" + release + ".probe.txt");
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(p)) {
            if (line.startsWith("#") || line.startsWith("TEXT")) {
                continue;
            }
            String[] f = line.strip().split("\t+");
            out.add(f[3].strip()); // asserts.go:LINE, address, bytes, instruction
        }
        return out;
    }

    static String hex(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }

    static String find(List<String> code, String regex) {
        Pattern p = Pattern.compile(regex);
        for (String s : code) {
            Matcher m = p.matcher(s);
            if (m.matches()) {
                return m.groupCount() > 0 ? m.group(1) : s;
            }
        }
        throw new AssertionError("no instruction matches " + regex + " in " + code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.22", "1.23", "1.24", "1.25", "1.26", "1.27"})
    void theCompiledProbeUsesTheDescriptorsOffsets(String release) throws Exception {
        CallSiteDescriptor d = new CallSiteDescriptor(Abi.of(GoRelease.parse(release)));
        List<String> code = instructions(release);
        assertFalse(code.stream().anyMatch(s -> s.startsWith("LOCK") || s.startsWith("XCHG") || s.contains("FENCE")),
                "the atomic load of Cache is a plain MOVQ on amd64 (x86 loads are acquire)");
        String typeHash = Pattern.quote(hex(ItabProbe.TYPE_HASH));
        assertEquals(3, code.stream().filter(s -> s.matches("MOVL " + typeHash + "\\(BX\\), \\w+")).count(),
                "each site loads Type.Hash from the eface's type word");
        for (int n = 0; n < 2; n++) {
            String site = "main\\.\\.typeAssert\\." + n;
            String c = find(code, "MOVQ " + site + "\\(SB\\), (\\w+)");
            find(code, "MOVQ " + hex(d.assertCacheMask) + "\\(" + c + "\\), \\w+");
            find(code, "SHLQ \\$" + hex(Long.numberOfTrailingZeros(d.assertEntrySize)) + ", \\w+");
            assertEquals(16, d.assertEntrySize);
            String typ = find(code, "MOVQ " + hex(d.assertCacheEntries + d.assertEntryTyp) + "\\(" + c + "\\)\\(\\w+\\*1\\), (\\w+)");
            probeLoop(code, typ);
            find(code, "MOVQ " + hex(d.assertCacheEntries + d.assertEntryItab) + "\\(" + c + "\\)\\(\\w+\\*1\\), \\w+");
            find(code, "LEAQ " + site + "\\(SB\\), AX");
        }
        String c = find(code, "MOVQ main\\.\\.interfaceSwitch\\.0\\(SB\\), (\\w+)");
        find(code, "MOVQ " + hex(d.switchCacheMask) + "\\(" + c + "\\), \\w+");
        String idx = find(code, "LEAQ 0\\((\\w+)\\)\\(\\w+\\*2\\), \\w+");
        assertEquals(24, d.switchEntrySize, "index * 3 * 8");
        probeLoop(code, find(code, "MOVQ " + hex(d.switchCacheEntries + d.switchEntryTyp) + "\\(" + c + "\\)\\(" + idx + "\\*8\\), (\\w+)"));
        find(code, "MOVQ " + hex(d.switchCacheEntries + d.switchEntryCase) + "\\(" + c + "\\)\\(" + idx + "\\*8\\), \\w+");
        find(code, "MOVQ " + hex(d.switchCacheEntries + d.switchEntryItab) + "\\(" + c + "\\)\\(" + idx + "\\*8\\), \\w+");
        assertEquals(3, code.stream().filter(s -> s.matches("LEAQ 0x1\\(\\w+\\), \\w+")).count(), "hash + 1: linear probing");
        assertEquals(2, code.stream().filter(s -> s.equals("CALL runtime.typeAssert(SB)")).count());
        assertEquals(1, code.stream().filter(s -> s.equals("CALL runtime.interfaceSwitch(SB)")).count());
    }

    /** The entry's Typ (in {@code typ}) compared with the value's type, and tested for 0: the empty entry ends the probe. */
    private static void probeLoop(List<String> code, String typ) {
        find(code, "CMPQ (?:\\w+, " + typ + "|" + typ + ", \\w+)");
        find(code, "TESTQ " + typ + ", " + typ);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.23", "1.24", "1.25", "1.26", "1.27"})
    void theCodeIsTheSameAs122s(String release) throws Exception {
        assertEquals(normalized("1.22"), normalized(release));
    }

    /** The probes' instructions (the rest, such as the write barrier around a store, moves between releases). */
    static final Pattern PROBE = Pattern.compile(".*(?:typeAssert|interfaceSwitch|\\(\\w+\\*[128]\\)|SHLQ|ANDQ|LEAQ 0x1\\(|MOVL 0x10\\(BX\\)|MOVQ 0\\(\\w+\\), ).*");

    private static List<String> normalized(String release) throws Exception {
        // jump targets and PC-relative displacements differ with the binary's layout
        List<String> out = instructions(release).stream().filter(s -> PROBE.matcher(s).matches())
                .map(s -> s.replaceAll("0x[0-9a-f]{4,}", "ADDR")).toList();
        assertEquals(31, out.size(), "probe instructions");
        return out;
    }
}
