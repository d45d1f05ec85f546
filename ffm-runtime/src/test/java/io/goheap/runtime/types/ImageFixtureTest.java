package io.goheap.runtime.types;

import io.goheap.runtime.gosrc.GoModule;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.SrodataFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * From Go source to the compiler's symbols: each fixture program in native/fixtures is read by
 * goheap's front end and laid out by its TypeWriter; the result must equal, symbol for symbol, the
 * type.*, go.itab.* and runtime.gcbits.* data blocks the Go 1.19 compiler emitted for it — the same
 * set, sizes, bytes and relocations.
 */
class ImageFixtureTest {
    @ParameterizedTest
    @ValueSource(strings = {"xer", "shapes", "kinds", "twopkg", "gcprog", "consts"})
    void sourceGivesTheCompilersSymbols(String program) throws Exception {
        Path dir = NativeDir.get().resolve("fixtures");
        Map<String, SrodataFixture.Symbol> go = SrodataFixture.parse(dir.resolve(program + ".srodata.txt"));
        // the whole module, as the fixture's build compiled it (twopkg: main and its geom package)
        Map<String, ObjSym> ours = PackageImage.compileAll(GoModule.load(dir.resolve(program))).stream()
                .collect(Collectors.toMap(ObjSym::name, Function.identity()));
        assertEquals(new TreeSet<>(go.keySet()), new TreeSet<>(ours.keySet()), "the set of symbols");
        List<String> diffs = new ArrayList<>();
        for (SrodataFixture.Symbol g : go.values()) {
            ObjSym o = ours.get(g.name());
            byte[] ob = Arrays.copyOf(o.bytes(), o.size());
            if (g.size() != o.size() || !Arrays.equals(g.bytes(), ob)) {
                diffs.add(g.name() + " size " + g.size() + "/" + o.size() + "\n go     " + HexFormat.of().formatHex(g.bytes())
                        + "\n goheap " + HexFormat.of().formatHex(ob));
            }
            List<String> gr = g.relocs().stream().map(r -> r.off() + "+" + r.size() + " t=" + r.type() + " " + r.target() + "+" + r.add()).sorted().toList();
            List<String> or = o.relocs().stream().map(r -> r.off() + "+" + r.size() + " t=" + r.kind().t + " " + r.target() + "+" + r.add()).sorted().toList();
            if (!gr.equals(or)) {
                diffs.add(g.name() + " relocs\n go     " + gr + "\n goheap " + or);
            }
        }
        assertEquals(List.of(), diffs, String.join("\n", diffs));
        System.out.printf("image %s: %d symbols compared with go1.19 -S, %d equal%n", program, go.size(), go.size() - diffs.size());
    }
}
