package io.goheap.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goheap.runtime.testing.InspectFixtures;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.goheap.runtime.testing.InspectFixtures.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code goheap inspect binary|core|dump}: the README's JSON fields, text columns, SVG and bad input. */
class InspectCliTest extends NativeMemoryTest {
    @TempDir
    Path tmp;

    static CliTest.Result run(String... args) {
        return CliTest.run(args);
    }

    private static List<String> print(boolean wide, String longCell, String longLast) {
        InspectCommand.Table t = new InspectCommand.Table(wide, "ADDRESS", "NAME", "METHODS");
        t.row("4a0000", "main.T", "M");
        t.row("4a0040", longCell, "-");
        t.row("4a0080", "main.U", "N");
        t.row("4a00c0", "main.V", "A\n" + longLast);
        java.io.StringWriter sw = new java.io.StringWriter();
        try (java.io.PrintWriter pw = new java.io.PrintWriter(sw)) {
            t.print(pw);
        }
        return sw.toString().lines().toList();
    }

    /**
     * Text tables read well on real binaries: a cell longer than the cap (one long anonymous struct type)
     * is elided in the middle, or with --wide printed whole on its own line; every other line keeps its
     * columns; hashes are hex as in the demo.
     */
    @Test
    void longCellsAreElidedOrWithWideShiftOnlyTheirLineAndHashesAreHex() throws Exception {
        String longCell = "struct { " + "f int; ".repeat(100) + "g string }";
        String longLast = "m".repeat(150) + "End";
        List<String> lines = print(false, longCell, longLast);
        int w = InspectCommand.Table.MAX_WIDTH;
        assertEquals(" 4a0000  main.T" + " ".repeat(w - 6) + "  M", lines.get(1), "ADDRESS right-aligned; NAME as wide as the elided cell");
        assertEquals(" 4a0040  " + longCell.substring(0, (w - 2) / 2) + "..." + longCell.substring(longCell.length() - (w - 3) / 2) + "  -",
                lines.get(2), "the long cell elided in the middle to " + w);
        assertEquals(" 4a00c0  main.V" + " ".repeat(w - 6) + "  A", lines.get(4));
        int col = "ADDRESS  ".length() + w + 2;
        assertEquals(InspectCommand.Table.LINE_MAX, lines.get(5).length(), "a long line of the last cell ends at the bound: " + lines.get(5));
        assertTrue(lines.get(5).startsWith(" ".repeat(col) + "mmm") && lines.get(5).endsWith("...mmmEnd".substring(3))
                && lines.get(5).contains("..."), lines.get(5));
        assertTrue(lines.stream().allMatch(l -> l.length() <= InspectCommand.Table.LINE_MAX));

        List<String> wide = print(true, longCell, longLast);
        assertEquals(" 4a0000  main.T  M", wide.get(1), "ADDRESS right-aligned under its header");
        assertEquals(" 4a0080  main.U  N", wide.get(3));
        assertEquals(" 4a0040  " + longCell + "  -", wide.get(2), "--wide: the long cell whole, on its own line");
        assertEquals(" 4a00c0  main.V  A", wide.get(4));
        assertEquals("                 " + longLast, wide.get(5), "a second line of the last cell under its column");
        assertEquals("ab...yz", InspectCommand.elide("abcdefghijklmnopqrstuvwxyz", 7));
        assertEquals("abcdefg", InspectCommand.elide("abcdefg", 7));
        CliTest.Result r = run("inspect", "binary", InspectFixtures.file("inspect").toString(), "--itabs");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*[0-9a-f]+  0x[0-9a-f]{8}  .*")), r.out());
        assertTrue(r.out().lines().mapToInt(String::length).max().orElse(0) < 200, "no line is stretched by another's cell");
    }

    /** Addresses are right-aligned whatever their first hex digit (Debian's go binary starts at b2faa0). */
    @Test
    void addressesStartingWithALetterAreRightAlignedToo() {
        InspectCommand.Table t = new InspectCommand.Table(false, "ADDRESS", "NAME");
        t.row("b2faa0", "a");
        t.row("9f12", "b");
        t.row("7f5b44eb6f88", "c");
        java.io.StringWriter sw = new java.io.StringWriter();
        try (java.io.PrintWriter pw = new java.io.PrintWriter(sw)) {
            t.print(pw);
        }
        assertEquals(List.of("ADDRESS       NAME", "      b2faa0  a", "        9f12  b", "7f5b44eb6f88  c"), sw.toString().lines().toList());
    }

    private static int longest(String text) {
        return text.lines().mapToInt(String::length).max().orElse(0);
    }

    /**
     * The largest binary and core fixtures print no line longer than {@link InspectCommand.Table#LINE_MAX}
     * by default, also with every method listed; with --wide a type name longer than the cap is printed whole.
     */
    @Test
    void textLinesAreBoundedOnRealBinariesAndCores() {
        String exe = io.goheap.runtime.testing.ReleaseFixtures.file("1.26", "inspect").toString();
        String core = io.goheap.runtime.testing.ReleaseFixtures.file("1.26", "inspect.core").toString();
        for (String[] c : List.of(new String[] {"inspect", "binary", exe}, new String[] {"inspect", "binary", exe, "--methods"},
                new String[] {"inspect", "core", core, "--binary", exe, "--methods"},
                new String[] {"inspect", "binary", InspectFixtures.file("inspect").toString(), "--methods"})) {
            CliTest.Result r = run(c);
            assertEquals(0, r.rc(), r.err());
            assertTrue(longest(r.out()) <= InspectCommand.Table.LINE_MAX, String.join(" ", c) + ": " + longest(r.out()));
        }
        CliTest.Result wide = run("inspect", "binary", exe, "--types", "--wide");
        CliTest.Result narrow = run("inspect", "binary", exe, "--types");
        String longName = wide.out().lines().map(l -> l.trim().split("  +"))
                .filter(f -> f.length >= 4 && f[3].length() > InspectCommand.Table.MAX_WIDTH).map(f -> f[3]).findFirst().orElseThrow();
        assertFalse(narrow.out().contains(longName), longName);
        assertTrue(narrow.out().contains(InspectCommand.elide(longName, InspectCommand.Table.MAX_WIDTH)), longName);
    }

    /** A header naming a long file name is bounded too (elided in the middle), and whole with --wide. */
    @Test
    void headerLinesAreBoundedToo() throws Exception {
        String name = "x".repeat(230) + "-end";
        Path f = Files.copy(InspectFixtures.file("inspect"), tmp.resolve(name));
        CliTest.Result r = run("inspect", "binary", f.toString(), "--itabs");
        assertEquals(0, r.rc(), r.err());
        String first = r.out().lines().findFirst().orElseThrow();
        assertEquals(InspectCommand.Table.LINE_MAX, first.length(), first);
        assertTrue(first.startsWith("binary xxx") && first.contains("...") && first.endsWith("path example.com/inspect"), first);
        assertTrue(longest(r.out()) <= InspectCommand.Table.LINE_MAX);
        CliTest.Result w = run("inspect", "binary", f.toString(), "--itabs", "--wide");
        assertTrue(w.out().startsWith("binary " + name + ": go1.19.8, path example.com/inspect\n"), w.out());
    }

    /** Itabs by interface then type, types by name: the text is sorted (itablinks order is not). */
    @Test
    void textIsSortedByName() {
        CliTest.Result r = run("inspect", "core", InspectFixtures.file("inspect.core").toString(), "--binary",
                InspectFixtures.file("inspect").toString());
        assertEquals(0, r.rc(), r.err());
        List<String> itabs = section(r.out(), "itabs: ").stream().map(l -> {
            String[] f = l.trim().split("  +");
            return f[2] + " " + f[3];
        }).toList();
        assertEquals(34, itabs.size(), r.out());
        assertEquals(itabs.stream().sorted().toList(), itabs);
        List<String> types = section(r.out(), "types: ").stream().map(l -> l.trim().split("  +")[3]).toList();
        assertTrue(types.size() > 100, r.out());
        assertEquals(types.stream().sorted().toList(), types);
    }

    /** The rows of the table after the line starting {@code heading}, without its header. */
    private static List<String> section(String out, String heading) {
        return out.lines().dropWhile(l -> !l.startsWith(heading)).skip(2).takeWhile(l -> !l.isBlank()).toList();
    }

    /** A negative itab (fun[0] = 0) is labelled in the text and flagged in the JSON, whose hash is in hex as well. */
    @Test
    void negativeItabsAreLabelled() throws Exception {
        String core = InspectFixtures.file("inspect.core").toString();
        String exe = InspectFixtures.file("inspect").toString();
        CliTest.Result r = run("inspect", "core", core, "--binary", exe, "--itabs");
        List<String> negative = r.out().lines().filter(l -> l.endsWith(InspectCommand.Report.NEGATIVE)).toList();
        assertFalse(negative.isEmpty(), r.out());
        assertFalse(r.out().contains(" 0x0\n"), "no bare 0x0 for a negative itab");
        JsonNode j = new ObjectMapper().readTree(run("inspect", "core", core, "--binary", exe, "--itabs", "--json").out());
        int flagged = 0;
        for (JsonNode i : j.get("itabs")) {
            boolean zero = i.get("funAddresses").size() > 0 && i.get("funAddresses").get(0).asText().equals("0x0");
            assertEquals(zero, i.get("negative").asBoolean(), i.toString());
            assertEquals(String.format("0x%08x", i.get("hash").asLong()), i.get("hashHex").asText());
            flagged += zero ? 1 : 0;
        }
        assertEquals(negative.size(), flagged);
    }

    /** --itab, --type and --package keep only what matches, in the text, the table entries and the JSON. */
    @Test
    void filtersKeepOnlyWhatMatches() throws Exception {
        String core = InspectFixtures.file("inspect.core").toString();
        String exe = InspectFixtures.file("inspect").toString();
        CliTest.Result r = run("inspect", "core", core, "--binary", exe, "--itab", "Namer$");
        assertEquals(0, r.rc(), r.err());
        List<String> rows = section(r.out(), "itabs: ");
        assertFalse(rows.isEmpty(), r.out());
        assertTrue(rows.stream().allMatch(l -> l.contains("  main.Namer  ")), r.out());
        assertTrue(r.out().contains("itabs: " + rows.size() + " of 34"), r.out());
        assertFalse(r.out().contains("\ntypes: "), "--itab alone lists no types");
        List<String> entries = section(r.out(), "itabTable at ");
        assertEquals(rows.size(), entries.size(), r.out());
        assertTrue(entries.stream().allMatch(l -> l.contains("  main.Namer  ")), r.out());

        // the linker's name, as go tool nm lists it (as a regular expression, .* there matches the literal .*)
        CliTest.Result nm = run("inspect", "binary", exe, "--itab", "go.itab.*main.data,main.Xer");
        assertEquals(0, nm.rc(), nm.err());
        List<String> xer = section(nm.out(), "itabs: ");
        assertEquals(1, xer.size(), nm.out());
        assertTrue(xer.getFirst().contains("  main.Xer  ") && xer.getFirst().contains("  *main.data  "), nm.out());

        // *main.data is no regular expression: taken literally, it does not match main.data
        CliTest.Result t = run("inspect", "binary", exe, "--type", "*main.data");
        assertEquals(0, t.rc(), t.err());
        List<String> its = section(t.out(), "itabs: ");
        List<String> types = section(t.out(), "types: ");
        assertFalse(its.isEmpty() || types.isEmpty(), t.out());
        assertTrue(its.stream().allMatch(l -> l.trim().split("  +")[3].equals("*main.data")), t.out());
        assertTrue(types.stream().allMatch(l -> l.trim().split("  +")[3].contains("*main.data")), t.out());

        JsonNode j = new ObjectMapper().readTree(run("inspect", "binary", exe, "--package", "main", "--json").out());
        assertEquals("main", j.get("filter").get("package").asText());
        assertFalse(j.get("types").isEmpty() || j.get("itabs").isEmpty(), j.toString());
        for (JsonNode x : j.get("types")) {
            assertEquals("main", x.get("package").asText(), x.toString());
        }
        for (JsonNode x : j.get("itabs")) {
            assertTrue(x.get("type").asText().matches("\\*?main\\..*"), x.toString());
        }
        JsonNode all = new ObjectMapper().readTree(run("inspect", "binary", exe, "--json").out());
        assertFalse(all.has("filter"));
        assertTrue(all.get("types").size() > j.get("types").size());
        JsonNode none = new ObjectMapper().readTree(run("inspect", "binary", exe, "--package", "no/such", "--json").out());
        assertEquals(0, none.get("itabs").size() + none.get("types").size());
    }

    @Test
    void binaryJsonHasTheDocumentedFields() throws Exception {
        CliTest.Result r = run("inspect", "binary", InspectFixtures.file("inspect").toString(), "--json");
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("go1.19.8", j.get("goVersion").asText());
        assertEquals("example.com/inspect", j.get("buildInfo").get("path").asText());
        JsonNode xer = null;
        for (JsonNode i : j.get("itabs")) {
            if (i.get("inter").asText().equals("main.Xer")) {
                xer = i;
            }
        }
        assertEquals("*main.data", xer.get("type").asText());
        assertTrue(xer.get("address").asText().startsWith("0x"));
        assertEquals(List.of("main.(*data).A", "main.(*data).B"), List.of(xer.get("fun").get(0).asText(), xer.get("fun").get(1).asText()));
        assertTrue(xer.get("hash").asLong() > 0);
        JsonNode type = j.get("types").get(0);
        for (String f : List.of("address", "name", "kind", "size", "methods", "package")) {
            assertTrue(type.has(f), f);
        }
        assertEquals(0, j.get("findings").size());
        assertFalse(j.has("itabTable"), "a binary has no runtime state");
    }

    @Test
    void binaryTextIsAlignedColumns() {
        CliTest.Result r = run("inspect", "binary", InspectFixtures.file("inspect-stripped").toString(), "--itabs", "--methods");
        assertEquals(0, r.rc(), r.err());
        List<String> all = r.out().lines().dropWhile(l -> !l.startsWith("ADDRESS")).takeWhile(l -> !l.isBlank()).toList();
        int col = all.get(0).indexOf("INTERFACE");
        int fun = all.get(0).indexOf("FUN");
        // an itab's methods one per line: the lines after its first go on under FUN, blank before it
        List<String> lines = all.stream().filter(l -> !l.substring(0, fun).isBlank()).toList();
        assertEquals(15, lines.size(), r.out());
        for (String l : all) {
            assertTrue(!l.substring(0, fun).isBlank() || l.charAt(fun) != ' ', "a continuation line under FUN: " + l);
        }
        for (String l : lines.subList(1, lines.size())) {
            assertEquals(' ', l.charAt(col - 1), l);
            assertNotEquals(' ', l.charAt(col), l);
        }
        assertTrue(r.out().contains("by pclntab at 0x"), r.out());
    }

    @Test
    void coreJsonHasTheTableVerifyChunksAndPsAndAnSvg() throws Exception {
        Path svg = tmp.resolve("core.svg");
        CliTest.Result r = run("inspect", "core", InspectFixtures.file("inspect.core").toString(), "--binary",
                InspectFixtures.file("inspect").toString(), "--verify-table", "--json", "--svg", svg.toString());
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        Map<String, String[]> gdb = InspectFixtures.gdb();
        JsonNode t = j.get("itabTable");
        assertEquals(number(gdb.get("itabTable")[0]), number(t.get("address").asText()));
        assertEquals(512, t.get("size").asInt());
        assertEquals(34, t.get("count").asInt());
        assertEquals(34, t.get("entries").size());
        JsonNode e = t.get("entries").get(0);
        for (String f : List.of("slot", "itab", "inter", "type")) {
            assertTrue(e.has(f), f);
        }
        assertEquals(34, j.get("verify").get("found").asInt());
        assertEquals(34, j.get("verify").get("of").asInt());
        assertEquals(number(gdb.get("persistentChunks")[0]), number(j.get("persistentChunks").get(0).asText()));
        assertEquals(2, j.get("ps").size());
        assertEquals(34, j.get("itabs").size(), "the 14 static itabs and the 20 getitab built");
        String s = Files.readString(svg);
        assertTrue(s.startsWith("<svg") && s.contains("itabTable 0x") && s.contains("verify 34/34"), s.substring(0, 200));
        assertEquals(512, s.split("stroke=\"#dddddd\"", -1).length - 1, "one cell per slot");
    }

    @Test
    void aDumpInspectsLikeACore() throws Exception {
        Path dump = tmp.resolve("demo.core");
        CliTest.Result d = run("demo", "--dump", dump.toString());
        assertEquals(0, d.rc(), d.err());
        assertTrue(d.err().contains("wrote"), d.err());
        CliTest.Result r = run("inspect", "dump", dump.toString(), "--verify-table", "--json");
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("go1.19.8", j.get("goVersion").asText());
        assertEquals(j.get("verify").get("of").asInt(), j.get("verify").get("found").asInt());
        assertTrue(j.get("itabTable").get("count").asInt() >= 1);
        assertTrue(j.get("persistentChunks").size() >= 1);
        assertEquals(0, j.get("findings").size(), j.get("findings").toString());
    }

    /** A grown table (in the heap, not itabTableInit) dumped after the getitab stress: every entry verified. */
    @Test
    void aStressDumpVerifiesEveryEntryOfItsGrownTable() throws Exception {
        Path dump = tmp.resolve("stress.core");
        CliTest.Result s = run("stress", "--threads", "2", "--types", "200", "--interfaces", "10", "--dump", dump.toString());
        assertEquals(0, s.rc(), s.err());
        CliTest.Result r = run("inspect", "dump", dump.toString(), "--verify-table", "--json", "--itabs");
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(4096, j.get("itabTable").get("size").asInt(), "2000 itabs: grown 512 -> 4096 at 75%");
        assertEquals(2000, j.get("itabTable").get("count").asInt());
        assertEquals(2000, j.get("verify").get("found").asInt());
        assertEquals(2000, j.get("verify").get("of").asInt());
        assertEquals(0, j.get("findings").size(), j.get("findings").toString());
    }

    @Test
    void badInputIsOneLineOnStderr() throws Exception {
        Path truncated = tmp.resolve("truncated");
        byte[] b = Files.readAllBytes(InspectFixtures.file("inspect"));
        Files.write(truncated, java.util.Arrays.copyOf(b, 3000));
        Path text = tmp.resolve("text");
        Files.writeString(text, "not an ELF file\n");
        List<String[]> cases = List.of(
                new String[] {"inspect", "binary", tmp.resolve("missing").toString()},
                new String[] {"inspect", "binary", text.toString()},
                new String[] {"inspect", "binary", truncated.toString()},
                new String[] {"inspect", "binary", InspectFixtures.file("inspect.core").toString()},
                new String[] {"inspect", "core", InspectFixtures.file("inspect").toString(), "--binary", InspectFixtures.file("inspect").toString()},
                new String[] {"inspect", "dump", InspectFixtures.file("inspect.core").toString()},
                new String[] {"inspect", "core", InspectFixtures.file("inspect.core").toString()},
                new String[] {"inspect"});
        List<String> errs = new ArrayList<>();
        for (String[] c : cases) {
            CliTest.Result r = run(c);
            assertNotEquals(0, r.rc(), String.join(" ", c));
            assertEquals(1, r.err().lines().count(), String.join(" ", c) + " -> " + r.err());
            assertTrue(r.err().startsWith("goheap: "), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            errs.add(r.err().trim());
        }
        assertTrue(errs.get(2).contains("offset 0x"), "a truncated file names the offset: " + errs.get(2));
    }

    /** One line on stderr, starting {@code goheap: }, no exception's name: returns it without the newline. */
    static String oneLine(CliTest.Result r) {
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("goheap: ") && !r.err().contains("Exception"), r.err());
        return r.err().strip();
    }

    /** A core of a non-Go program, and a goheap dump, given with a Go binary: refused in one line naming both files. */
    @Test
    void aCoreOfAnotherProgramOrADumpIsRefused() throws Exception {
        Path sleep = tmp.resolve("sleep.core");
        Files.write(sleep, io.goheap.runtime.testing.SyntheticCore.sleep().bytes());
        String binary = InspectFixtures.file("inspect").toString();
        CliTest.Result r = run("inspect", "core", sleep.toString(), "--binary", binary);
        assertEquals(1, r.rc(), r.out());
        String m = oneLine(r);
        assertTrue(m.startsWith("goheap: sleep.core: offset 0x") && m.contains("was not taken of inspect: inspect would map 0x400000-0x50c000")
                && m.endsWith("(the core's program is /usr/bin/sleep)"), m);
        Path dump = tmp.resolve("demo.core");
        assertEquals(0, run("demo", "--dump", dump.toString()).rc());
        for (String exe : List.of(binary, InspectFixtures.file("inspect-pie").toString())) {
            CliTest.Result d = run("inspect", "core", dump.toString(), "--binary", exe);
            assertEquals(1, d.rc(), d.out());
            assertTrue(oneLine(d).contains("demo.core: offset 0x") && d.err().contains("is a goheap dump (GOHEAP notes), not a core of a Go"
                    + " process: use goheap inspect dump demo.core"), d.err());
        }
    }

    /** {@code --svg} naming an input (itself, or through a symbolic or hard link) is refused before anything is written. */
    @Test
    void anOutputThatIsAnInputIsRefused() throws Exception {
        Path r = tmp.resolve("r");
        Files.copy(InspectFixtures.file("inspect"), r);
        byte[] before = Files.readAllBytes(r);
        Path link = Files.createSymbolicLink(tmp.resolve("link"), r);
        Path hard = Files.createLink(tmp.resolve("hard"), r);
        for (String[] c : List.of(new String[] {"inspect", "binary", r.toString(), "--svg", r.toString()},
                new String[] {"inspect", "binary", r.toString(), "--svg", link.toString()},
                new String[] {"inspect", "binary", link.toString(), "--svg", hard.toString()},
                new String[] {"inspect", "core", InspectFixtures.file("inspect.core").toString(), "--binary", r.toString(), "--svg", hard.toString()})) {
            CliTest.Result res = run(c);
            assertEquals(2, res.rc(), String.join(" ", c) + " -> " + res.err());
            String m = oneLine(res);
            assertTrue(m.contains("is the same file as the executable") && m.contains("refusing to overwrite an input"), m);
            assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(r)), "the input is untouched: " + String.join(" ", c));
        }
        assertTrue(Files.isSymbolicLink(link));
    }

    /** Each input that is not a readable regular file says what it is instead, naming the path. */
    @Test
    void eachBadInputPathSaysWhatIsWrong() throws Exception {
        Path fifo = tmp.resolve("fifo");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        Path loop = tmp.resolve("loop");
        Files.createSymbolicLink(loop, tmp.resolve("loop2"));
        Files.createSymbolicLink(tmp.resolve("loop2"), loop);
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Process child = new ProcessBuilder("sleep", "30").start(); // its stdin is a pipe from this JVM
        try {
            Map<String, String> cases = new java.util.LinkedHashMap<>();
            cases.put(tmp.toString(), "is a directory");
            cases.put("/dev/zero", "is not a regular file (character device)");
            cases.put(fifo.toString(), "is a FIFO");
            cases.put("/proc/" + child.pid() + "/fd/0", "is a pipe");
            cases.put(loop.toString(), "symbolic link loop");
            cases.put(tmp.resolve("x".repeat(300)).toString(), "file name too long");
            cases.put(tmp.resolve("missing").toString(), "no such file");
            cases.put(dangling.toString(), "no such file (a symbolic link to a missing file)");
            cases.put(file.resolve("x").toString(), "no such file (" + file + " is not a directory)");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                CliTest.Result r = run("inspect", "binary", c.getKey());
                assertEquals(1, r.rc(), c.getKey());
                assertEquals("goheap: " + c.getKey() + " (executable): " + c.getValue(), oneLine(r));
            }
            CliTest.Result core = run("inspect", "core", "/dev/zero", "--binary", tmp.toString());
            assertEquals("goheap: /dev/zero (core): is not a regular file (character device)", oneLine(core));
        } finally {
            child.destroy();
        }
    }

    @Test
    void anUnreadableInputSaysPermissionDenied() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads any file");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Files.setPosixFilePermissions(file, java.util.Set.of());
        assertEquals("goheap: " + file + " (executable): permission denied", oneLine(run("inspect", "binary", file.toString())));
    }

    /** An output that cannot be written says why, naming the file, and leaves nothing behind. */
    @Test
    void anUnwritableOutputSaysWhy() throws Exception {
        String binary = InspectFixtures.file("inspect").toString();
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(tmp.resolve("no/such/dir/out.svg").toString(), "no such directory " + tmp.resolve("no/such/dir"));
        cases.put(file.resolve("out.svg").toString(), "not a directory");
        cases.put(tmp.toString(), "is a directory");
        cases.put("/dev/full", "no space left on device");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            CliTest.Result r = run("inspect", "binary", binary, "--svg", c.getKey());
            assertEquals(1, r.rc(), c.getKey());
            assertEquals("goheap: cannot write " + c.getKey() + ": " + c.getValue(), oneLine(r));
        }
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(file), s.toList(), "no temporary file left");
        }
    }

    @Test
    void anUnwritableFolderSaysPermissionDenied() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root writes anywhere");
        String binary = InspectFixtures.file("inspect").toString();
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        CliTest.Result r = run("inspect", "binary", binary, "--svg", ro.resolve("out.svg").toString());
        assertEquals("goheap: cannot write " + ro.resolve("out.svg") + ": permission denied", oneLine(r));
    }

    /** Cut at many lengths, the binary is decoded or refused with the offset or address named: never another error. */
    @Test
    void truncatedFilesNameTheOffset() throws Exception {
        byte[] b = Files.readAllBytes(InspectFixtures.file("inspect"));
        Path f = tmp.resolve("cut");
        int refused = 0;
        for (int i = 1; i <= 40; i++) {
            int len = (int) ((long) b.length * i / 41);
            Files.write(f, java.util.Arrays.copyOf(b, len));
            CliTest.Result r = run("inspect", "binary", f.toString(), "--json");
            if (r.rc() != 0) {
                refused++;
                assertTrue(r.err().matches("(?s)goheap: .*(offset 0x|address 0x|moduledata).*"), len + ": " + r.err());
                assertEquals(1, r.err().lines().count(), r.err());
            }
        }
        assertEquals(40, refused, "the section headers are at the end: every cut loses them");
    }

    /**
     * DWARF names where the binary has them: the text names types with their import paths (the runtime's
     * string has the package name only), --runtime-names goes back to the strings, filters match either,
     * the JSON keeps "name" and gains "dwarfName"; a stripped binary says nothing of DWARF; a core takes
     * the names of its executable.
     */
    @Test
    void dwarfNamesWhereTheBinaryHasThem() throws Exception {
        String exe = io.goheap.runtime.testing.ReleaseFixtures.file("1.19", "inspect").toString();
        CliTest.Result r = run("inspect", "binary", exe, "--type", "DeadlineExceededError");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("names: DWARF"), r.out());
        assertTrue(r.out().contains("*internal/poll.DeadlineExceededError"), r.out());
        assertFalse(r.out().contains(" *poll.DeadlineExceededError"), r.out());

        CliTest.Result plain = run("inspect", "binary", exe, "--type", "DeadlineExceededError", "--runtime-names");
        assertEquals(0, plain.rc(), plain.err());
        assertFalse(plain.out().contains("names: DWARF"), plain.out());
        assertTrue(plain.out().contains(" *poll.DeadlineExceededError"), plain.out());

        CliTest.Result byPath = run("inspect", "binary", exe, "--type", "internal/poll\\.", "--types");
        assertEquals(0, byPath.rc(), byPath.err());
        assertTrue(byPath.out().contains("*internal/poll.DeadlineExceededError"), "a filter matches the DWARF name: " + byPath.out());

        JsonNode j = new ObjectMapper().readTree(run("inspect", "binary", exe, "--json").out());
        assertTrue(j.get("dwarf").asText().contains(".debug_info"), j.get("dwarf").toString());
        boolean seen = false;
        for (JsonNode t : j.get("types")) {
            if ("*poll.DeadlineExceededError".equals(t.get("name").asText())) {
                assertEquals("*internal/poll.DeadlineExceededError", t.get("dwarfName").asText());
                seen = true;
            }
        }
        assertTrue(seen);
        for (JsonNode i : j.get("itabs")) {
            if ("*poll.DeadlineExceededError".equals(i.get("type").asText())) {
                assertEquals("*internal/poll.DeadlineExceededError", i.get("typeDwarfName").asText());
                assertEquals("error", i.get("interDwarfName").asText());
            }
        }

        String stripped = io.goheap.runtime.testing.ReleaseFixtures.file("1.19", "inspect-stripped").toString();
        CliTest.Result s = run("inspect", "binary", stripped, "--type", "DeadlineExceededError");
        assertEquals(0, s.rc(), s.err());
        assertFalse(s.out().contains("names: DWARF"), s.out());
        assertTrue(s.out().contains(" *poll.DeadlineExceededError"), s.out());
        JsonNode js = new ObjectMapper().readTree(run("inspect", "binary", stripped, "--json").out());
        assertTrue(js.get("dwarf").isNull());
        assertTrue(js.get("types").get(0).get("dwarfName") == null);

        String core = io.goheap.runtime.testing.ReleaseFixtures.file("1.27", "inspect.core").toString();
        String exe27 = io.goheap.runtime.testing.ReleaseFixtures.file("1.27", "inspect").toString();
        CliTest.Result c = run("inspect", "core", core, "--binary", exe27, "--type", "DeadlineExceededError");
        assertEquals(0, c.rc(), c.err());
        assertTrue(c.out().contains("*internal/poll.DeadlineExceededError"), c.out());
    }
}
