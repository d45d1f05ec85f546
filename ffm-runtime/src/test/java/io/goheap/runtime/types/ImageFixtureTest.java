package io.goheap.runtime.types;

import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.gosrc.GoModule;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.SrodataFixture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * From Go source to the compiler's symbols, for every release goheap holds: each fixture program in
 * native/fixtures is read by goheap's front end and laid out by its TypeWriter for the release; the result must
 * equal, symbol for symbol, the data blocks that release's compiler emitted for it (type descriptors and their
 * helpers, static itabs, GC masks and programs): the same set, sizes, bytes, relocations and {@code dupok}, and in
 * Go 1.27, which prints it, the alignment. Go 1.19's blocks are {@code native/fixtures/PROG.srodata.txt}
 * (make-fixtures.sh), the later releases' {@code native/fixtures/releases/1.N/image/PROG.srodata.txt}
 * (make-release-image-fixtures.sh).
 *
 * <p>Each case prints {@code matched/total}. A release not in {@link TypeWriter#SUPPORTED} is measured and
 * printed, then skipped (aborted), not failed: the image does not claim it.
 */
class ImageFixtureTest {
    static final List<String> PROGRAMS = List.of("xer", "shapes", "kinds", "twopkg", "gcprog", "consts");

    static Stream<Arguments> cases() {
        return GoRelease.HAS_GROUND_TRUTH.stream()
                .flatMap(r -> PROGRAMS.stream().map(p -> Arguments.of("1." + r.minor(), p)));
    }

    static Path fixture(GoRelease release, String program) {
        Path dir = NativeDir.get().resolve("fixtures");
        return release.minor() == 19 ? dir.resolve(program + ".srodata.txt")
                : dir.resolve("releases/1." + release.minor() + "/image/" + program + ".srodata.txt");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void sourceGivesTheCompilersSymbols(String rel, String program) throws Exception {
        GoRelease release = GoRelease.parse(rel);
        Map<String, SrodataFixture.Symbol> go = SrodataFixture.parse(fixture(release, program));
        // the whole module, as the fixture's build compiled it (twopkg: main and its geom package)
        Map<String, ObjSym> ours = PackageImage.compileAllAny(GoModule.load(NativeDir.get().resolve("fixtures").resolve(program)), release)
                .stream().collect(Collectors.toMap(ObjSym::name, Function.identity()));
        List<String> diffs = diff(release, go, ours);
        long matched = go.keySet().stream().filter(n -> ours.containsKey(n) && diffs.stream().noneMatch(d -> d.startsWith(n + " "))).count();
        System.out.printf("image %s %s: %d/%d symbols equal to the compiler's -S (goheap wrote %d)%n", rel, program, matched, go.size(), ours.size());
        Assumptions.assumeTrue(TypeWriter.SUPPORTED.contains(release) || diffs.isEmpty(),
                () -> release + " is not in TypeWriter.SUPPORTED: " + matched + "/" + go.size() + "\n" + String.join("\n", diffs));
        assertEquals(List.of(), diffs, String.join("\n", diffs));
    }

    /** One line (or block) per difference, each starting with the symbol's name and a space. */
    static List<String> diff(GoRelease release, Map<String, SrodataFixture.Symbol> go, Map<String, ObjSym> ours) {
        List<String> diffs = new ArrayList<>();
        for (String n : new TreeSet<>(go.keySet())) {
            if (!ours.containsKey(n)) {
                diffs.add(n + " missing: the compiler emits it, goheap does not");
            }
        }
        for (String n : new TreeSet<>(ours.keySet())) {
            if (!go.containsKey(n)) {
                diffs.add(n + " extra: goheap emits it, the compiler does not");
            }
        }
        for (SrodataFixture.Symbol g : go.values()) {
            ObjSym o = ours.get(g.name());
            if (o == null) {
                continue;
            }
            byte[] ob = Arrays.copyOf(o.bytes(), o.size());
            if (g.size() != o.size() || !Arrays.equals(g.bytes(), ob)) {
                diffs.add(g.name() + " size " + g.size() + "/" + o.size() + "\n go     " + HexFormat.of().formatHex(g.bytes())
                        + "\n goheap " + HexFormat.of().formatHex(ob));
            }
            List<String> gr = g.relocs().stream().map(r -> r.off() + "+" + r.size() + " t=" + r.kind() + " " + r.target() + "+" + r.add()).sorted().toList();
            List<String> or = o.relocs().stream().map(r -> r.off() + "+" + r.size() + " t=" + r.kind().listed(release) + " " + r.target() + "+" + r.add()).sorted().toList();
            if (!gr.equals(or)) {
                diffs.add(g.name() + " relocs\n go     " + gr + "\n goheap " + or);
            }
            if (g.dupok() != o.dupok()) {
                diffs.add(g.name() + " dupok " + g.dupok() + "/" + o.dupok());
            }
            if (g.align() >= 0 && g.align() != o.align()) {
                diffs.add(g.name() + " align " + g.align() + "/" + o.align());
            }
            if (!("S" + g.section()).equals(o.section().listed)) {
                diffs.add(g.name() + " section S" + g.section() + "/" + o.section().listed);
            }
        }
        return diffs;
    }
}
