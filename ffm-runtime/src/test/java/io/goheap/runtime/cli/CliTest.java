package io.goheap.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CliTest extends NativeMemoryTest {
    record Result(int rc, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = GoheapCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(rc, out.toString(), err.toString());
    }

    /**
     * Output that cannot be written (here /dev/full: "no space left on device") is exit 1 with one line,
     * for every command; PrintWriter alone would swallow the error and exit 0.
     */
    @Test
    void unwritableStandardOutputIsExitOne() throws Exception {
        Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full");
        for (String[] args : List.of(new String[] {"demo"}, new String[] {"layout", "itab", "--json"}, new String[] {"--help"})) {
            StringWriter err = new StringWriter();
            try (FileOutputStream full = new FileOutputStream("/dev/full")) {
                assertEquals(1, GoheapCli.run(new PrintWriter(full), new PrintWriter(err), args), String.join(" ", args));
            }
            assertEquals("goheap: cannot write standard output\n", err.toString(), String.join(" ", args));
            // as main() runs it: the stream beneath says why
            StringWriter why = new StringWriter();
            try (GoheapCli.FailureKeepingStream full = new GoheapCli.FailureKeepingStream(new FileOutputStream("/dev/full"))) {
                assertEquals(1, GoheapCli.run(new PrintWriter(full), full::failure, new PrintWriter(why), args));
            }
            assertEquals("goheap: cannot write standard output: no space left on device\n", why.toString());
        }
    }

    /** A dump that cannot be written (a full disk) is one line naming the file, and no partial file. */
    @Test
    void dumpsThatCannotBeWrittenNameTheFile() throws Exception {
        Assumptions.assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full");
        for (String[] args : List.of(new String[] {"demo", "--dump", "/dev/full"},
                new String[] {"stress", "--threads", "2", "--types", "10", "--interfaces", "2", "--dump", "/dev/full"})) {
            Result r = run(args);
            assertEquals(1, r.rc(), String.join(" ", args));
            assertEquals("goheap: cannot write /dev/full: no space left on device\n", r.err(), String.join(" ", args));
        }
        Path dir = Files.createTempDirectory("goheap-cli");
        try {
            Path missing = dir.resolve("no/dir/d.core");
            Result r = run("demo", "--dump", missing.toString());
            assertEquals(1, r.rc());
            assertEquals("goheap: cannot write " + missing + ": no such directory " + missing.getParent() + "\n", r.err());
        } finally {
            Files.delete(dir);
        }
    }

    /** Every command and subcommand prints its usage for --help and -h (exit 0), required arguments or not. */
    @Test
    void everyCommandAnswersHelp() {
        for (String cmd : List.of("", "demo", "layout", "image", "stress", "inspect", "inspect binary", "inspect core", "inspect dump")) {
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new java.util.ArrayList<>(cmd.isEmpty() ? List.of() : List.of(cmd.split(" ")));
                args.add(flag);
                Result r = run(args.toArray(String[]::new));
                assertEquals(0, r.rc(), cmd + " " + flag + ": " + r.err());
                assertTrue(r.out().startsWith("Usage: goheap" + (cmd.isEmpty() ? "" : " " + cmd)), cmd + " " + flag + ": " + r.out());
                assertEquals("", r.err(), cmd + " " + flag);
                assertTrue(r.out().contains("Exit codes:") && r.out().contains("  2   usage error"), cmd + " " + flag + ": " + r.out());
                if (cmd.startsWith("inspect ")) {
                    for (String o : List.of("--json", "--wide", "--methods", "--itab=PATTERN", "--type=PATTERN", "--package=P")) {
                        assertTrue(r.out().contains(o), cmd + " " + flag + " has " + o + ": " + r.out());
                    }
                }
            }
        }
        Result help = run("help", "--help"); // picocli's help command: its description comes first
        assertEquals(0, help.rc(), help.err());
        assertTrue(help.out().contains("Usage: goheap help") && help.out().contains("Exit codes:"), help.out());
        Result helpInspect = run("help", "inspect");
        assertEquals(0, helpInspect.rc(), helpInspect.err());
        assertTrue(helpInspect.out().startsWith("Usage: goheap inspect"), helpInspect.out());
        Result v = run("inspect", "binary", "--version");
        assertEquals(0, v.rc());
        assertTrue(v.out().startsWith("goheap "), v.out());
    }

    @Test
    void layoutItabJson() throws Exception {
        Result r = run("layout", "itab", "--json");
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("itab", j.get("struct").asText());
        assertEquals(32, j.get("size").asInt());
        List<Integer> offsets = j.get("fields").valueStream().map(f -> f.get("offset").asInt()).toList();
        assertEquals(List.of(0, 8, 16, 20, 24), offsets);
        List<String> names = j.get("fields").valueStream().map(f -> f.get("name").asText()).toList();
        assertEquals(List.of("inter", "_type", "hash", "_", "fun"), names);
        assertEquals(8, j.get("fields").get(0).get("size").asInt());
    }

    @Test
    void layoutAllJsonIsAnArrayOfEveryStruct() throws Exception {
        Result r = run("layout", "--json");
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.isArray());
        assertEquals(io.goheap.runtime.abi.GoStructs.all().size(), j.size());
        JsonNode md = j.valueStream().filter(s -> s.get("struct").asText().equals("moduledata")).findFirst().orElseThrow();
        assertEquals(552, md.get("size").asInt());
        JsonNode itablinks = md.get("fields").valueStream().filter(f -> f.get("name").asText().equals("itablinks")).findFirst().orElseThrow();
        assertEquals(360, itablinks.get("offset").asInt());
    }

    @Test
    void layoutTextShowsGoTypes() {
        Result r = run("layout", "runtime._type");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("_type (runtime._type) size 48"), r.out());
        assertTrue(r.out().matches("(?s).*\\s40\\s+4\\s+str\\s+nameOff.*"), r.out());
    }

    @Test
    void unknownStructIsOneLineAndExitOne() {
        Result r = run("layout", "nosuch");
        assertEquals(1, r.rc());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("goheap: unknown struct 'nosuch'; known: _type, uncommontype, method"), r.err());
        assertFalse(r.err().contains("at io.goheap"), "no stack trace");
    }

    @Test
    void usageErrorsAreOneLineAndExitTwo() {
        for (String[] args : List.of(new String[] {"layout", "--nope"}, new String[] {"layout", "itab", "extra"},
                new String[] {}, new String[] {"nosuchcommand"})) {
            Result r = run(args);
            assertEquals(2, r.rc(), String.join(" ", args));
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("goheap: ") && r.err().strip().endsWith("(see 'goheap --help')"), r.err());
        }
        assertTrue(run("layout", "--nope").err().contains("Unknown option: '--nope'"));
    }

    @Test
    void demoPrintsTheItabFieldByField() {
        Result r = run("demo");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("go.itab.main.data,main.Xer  (runtime.itab, 40 bytes)"), r.out());
        assertTrue(r.out().matches("(?s).*\\+16\\s+hash\\s+16 a4 cf 45\\s+= 0x45cfa416.*"), r.out());
        assertTrue(r.out().contains("fun[1]"), r.out());
    }

    @Test
    void imageOfXerPrintsTheCompilersItab() throws Exception {
        String xer = io.goheap.runtime.testing.NativeDir.get().resolve("fixtures/xer/main.go").toString();
        Result r = run("image", xer, "--json");
        assertEquals(0, r.rc(), r.err());
        JsonNode itab = new ObjectMapper().readTree(r.out()).get("symbols").valueStream()
                .filter(s -> s.get("name").asText().equals("go.itab.main.data,main.Xer")).findFirst().orElseThrow();
        assertEquals(40, itab.get("size").asInt());
        assertEquals(".rodata", itab.get("section").asText());
        assertEquals("0000000000000000000000000000000016a4cf450000000000000000000000000000000000000000", itab.get("bytes").asText());
        List<String> relocs = itab.get("relocs").valueStream().map(x -> x.get("off").asInt() + "+" + x.get("size").asInt() + " "
                + x.get("kind").asText() + " " + x.get("target").asText() + (x.has("weak") ? " weak" : "")).toList();
        assertEquals(List.of("0+8 addr type.main.Xer", "8+8 addr type.main.data", "24+8 addr main.(*data).A weak",
                "32+8 addr main.(*data).B weak"), relocs);
        Result text = run("image", xer);
        assertTrue(text.out().contains("go.itab.main.data,main.Xer SRODATA dupok size=40\n\t0x0000 00 00"), text.out());
        assertTrue(text.out().contains("\trel 24+8 t=-32767 main.(*data).A+0\n"), text.out());
    }

    @Test
    void imageFollowsTheReleaseGoAsksFor() throws Exception {
        String xer = io.goheap.runtime.testing.NativeDir.get().resolve("fixtures/xer/main.go").toString();
        Result r = run("image", xer, "--go", "1.27");
        assertEquals(0, r.rc(), r.err());
        // as go1.27's -S prints it (native/fixtures/releases/1.27/image/xer.srodata.txt)
        assertTrue(r.out().contains("go:itab.main.data,main.Xer SRODATA dupok size=40 align=0x8\n\t0x0000 00 00"), r.out());
        assertTrue(r.out().contains("\trel 24+8 t=RelocType(-32767) main.(*data).A+0\n"), r.out());
        assertTrue(r.out().contains("runtime.gcbits.0100000000000000 SRODATA dupok size=8 align=0x8\n"), r.out());
        Result json = run("image", xer, "--go", "go1.24.4", "--json");
        assertEquals(0, json.rc(), json.err());
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertEquals("1.24", root.get("go").asText());
        assertTrue(root.get("symbols").valueStream().anyMatch(s -> s.get("name").asText().equals("type:main.Xer")), json.out());
        for (String bad : new String[] {"1.20", "1.28", "1.18"}) {
            Result refused = run("image", xer, "--go", bad);
            assertEquals(2, refused.rc(), refused.err());
            assertEquals(1, refused.err().lines().count(), refused.err());
            assertTrue(refused.err().startsWith("goheap: ") && refused.err().contains("the type image follows Go 1.19 and 1.21 to 1.27, not Go " + bad),
                    refused.err());
            assertEquals("", refused.out());
        }
        Result garbage = run("image", xer, "--go", "one");
        assertEquals(2, garbage.rc());
        assertTrue(garbage.err().contains("'one' is not a Go release"), garbage.err());
    }

    @Test
    void imageErrorsAreOneLine() throws Exception {
        Result missing = run("image", "no/such/file.go");
        assertEquals(1, missing.rc());
        assertEquals("goheap: no/such/file.go: no such file\n", missing.err());
        java.nio.file.Path bad = java.nio.file.Files.createTempFile("bad", ".go");
        java.nio.file.Files.writeString(bad, "package main\ntype M = map[int]int\n");
        Result syntax = run("image", bad.toString());
        assertEquals(1, syntax.rc());
        assertEquals("goheap: " + bad + ":2:8: unsupported: type alias M\n", syntax.err());
        java.nio.file.Files.delete(bad);
    }

    /** {@code goheap image ARGS} under a hang guard: opening a named pipe would wait for a writer forever. */
    private static Result image(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "image";
        System.arraycopy(args, 0, all, 1, args.length);
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run(all), "image " + String.join(" ", args) + " hangs");
    }

    @Test
    void imageRefusesWhatIsNotARegularFileBeforeOpeningIt() throws Exception {
        Path dir = Files.createTempDirectory("image");
        try {
            Path fifo = dir.resolve("pipe.go");
            assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo makes the named pipe");
            Result r = image(fifo.toString());
            assertEquals(1, r.rc());
            assertEquals("goheap: " + fifo + ": not a regular file (a named pipe)\n", r.err());
            Result zero = image("/dev/zero");
            assertEquals(1, zero.rc());
            assertEquals("goheap: /dev/zero: not a regular file (a character device)\n", zero.err());
            Path ok = Files.writeString(dir.resolve("ok.go"), "package main\n");
            Result folder = image(ok.toString(), dir.toString());
            assertEquals(1, folder.rc());
            assertEquals("goheap: " + dir + ": not a regular file (a directory; a module folder must be the only argument)\n", folder.err());
            // the same pipe found while walking a module
            Files.writeString(dir.resolve("go.mod"), "module example.com/m\n");
            Result module = image(dir.toString());
            assertEquals(1, module.rc());
            assertEquals("goheap: pipe.go: not a regular file (a named pipe)\n", module.err());
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void imageRefusesSourceOverSixtyFourMebibytes() throws Exception {
        long limit = 64L << 20; // SourceFiles.MAX_BYTES, as the option's description says
        Path big = Files.createTempFile("big", ".go");
        Path half1 = Files.createTempFile("half1", ".go");
        Path half2 = Files.createTempFile("half2", ".go");
        try {
            // sparse files: no disk, and not read at all when the size alone is over the limit
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(limit + 1);
            }
            Result r = image(big.toString());
            assertEquals(1, r.rc());
            assertEquals("goheap: " + big + ": 67108865 bytes, over goheap's limit of 67108864 bytes (64 MiB) for Go source\n", r.err());
            for (Path h : List.of(half1, half2)) {
                try (RandomAccessFile f = new RandomAccessFile(h.toFile(), "rw")) {
                    f.setLength(limit / 2 + 1);
                }
            }
            Result both = image(half1.toString(), half2.toString());
            assertEquals(1, both.rc());
            assertEquals("goheap: " + half2 + ": the sources come to over 67108864 bytes (64 MiB), goheap's limit for one command\n", both.err());
        } finally {
            Files.delete(big);
            Files.delete(half1);
            Files.delete(half2);
        }
    }

    @Test
    void stressSizesAreCheckedBeforeAnythingIsAllocated() {
        // each ran out of memory after a minute, hung, died with ".rodata full", echoed its arguments or ran 0 s
        String[][] cases = {
                {"goheap: --types 1000000000: even with 1 interface the image needs 64000000064 bytes of .text", "--types", "1000000000"},
                {"goheap: --interfaces 100000: even with 1 type itab.init would walk 10000000000 method-table entries", "--types",
                        "100000", "--interfaces", "100000"},
                {"goheap: --types 3000: with 1000 interfaces the image needs 192000064 bytes of .text", "--types", "3000",
                        "--interfaces", "1000"},
                {"goheap: --threads 0: must be 1 to 1024", "--threads", "0"},
                {"goheap: --seconds NaN: must be a number from 0 to 86400 (a day)", "--seconds", "NaN"},
                {"goheap: --seconds Infinity: must be a number from 0 to 86400 (a day)", "--seconds", "Infinity"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length];
            args[0] = "stress";
            System.arraycopy(c, 1, args, 1, c.length - 1);
            Result r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run(args), String.join(" ", args));
            assertEquals(2, r.rc(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith(c[0]) && r.err().strip().endsWith("(see 'goheap --help')"), r.err());
        }
        assertTrue(run("stress", "--types", "3000", "--interfaces", "1000").err().contains("at most 1048 types fit with 1000 interfaces"));
        assertTrue(run("stress", "--types", "1000000000").err().contains("at most 119154 types fit"));
    }

    @Test
    void stressJson() throws Exception {
        Result r = run("stress", "--threads", "2", "--types", "40", "--interfaces", "20", "--json");
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(800, j.get("count").asInt());
        assertEquals(800, j.get("distinct").asInt());
        assertEquals(0, j.get("duplicates").asInt());
        assertEquals(0, j.get("missing").asInt());
        assertEquals(2048, j.get("size").asInt());
        assertEquals(2, j.get("grows").asInt());
        assertTrue(j.get("probeLengths").has("1"));
    }

    @Test
    void demoJson() throws Exception {
        Result r = run("demo", "--json");
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("go1.19.8", j.get("goVersion").asText());
        JsonNode itab = j.get("structs").valueStream().filter(s -> s.get("symbol").asText().startsWith("go.itab.")).findFirst().orElseThrow();
        assertEquals(40, itab.get("size").asInt());
        assertEquals("16a4cf45", itab.get("fields").get(2).get("bytes").asText());
        JsonNode chunks = j.get("persistentChunks");
        assertTrue(chunks.size() >= 3, "two P chunks and the global one: " + chunks);
        for (int i = 0; i + 1 < chunks.size(); i++) {
            assertEquals(chunks.get(i + 1).get("address").asText(), chunks.get(i).get("next").asText(), "chain links");
        }
        assertEquals("0x0", chunks.get(chunks.size() - 1).get("next").asText());
        JsonNode ps = j.get("ps");
        assertEquals(Runtime.getRuntime().availableProcessors(), ps.size());
        assertTrue(ps.valueStream().anyMatch(p -> p.get("palloc").get("off").asLong() > 0), "a P allocated: " + ps);
        assertEquals(0, ps.get(0).get("id").asInt());
        List<String> purposes = j.get("mappings").valueStream().map(m -> m.get("purpose").asText()).toList();
        assertTrue(purposes.contains(".text") && purposes.contains(".rodata"), purposes.toString());
        assertTrue(j.get("calls").get(0).get("ran").asText().startsWith("main.(*data).A on receiver 0xc0"), j.get("calls").toString());
        List<String> steps = j.get("steps").valueStream().map(JsonNode::asText).toList();
        assertTrue(steps.stream().anyMatch(x -> x.startsWith("getitab(main.Xer, main.data) = ")), steps.toString());
        assertTrue(steps.stream().anyMatch(x -> x.contains("= &runtime.staticuint64s[7]")), steps.toString());
        assertTrue(steps.stream().anyMatch(x -> x.startsWith("switch any(x).(type) { case main.data: } -> case 0")), steps.toString());
    }

    /** --go on the simulating commands: the release's runtime, one line for a release goheap cannot simulate. */
    @Test
    void simulatingCommandsTakeARelease(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        Result demo = run("demo", "--go", "1.27", "--json", "--dump", tmp.resolve("d.core").toString());
        assertEquals(0, demo.rc(), demo.err());
        var json = io.goheap.runtime.cli.Json.mapper().readTree(demo.out());
        assertEquals("go1.27.3", json.get("goVersion").asText());
        assertTrue(demo.out().contains("type:main.Xer") && demo.out().contains("go:itab.main.data,main.Xer"), "1.27's spellings");
        Result dump = run("inspect", "dump", tmp.resolve("d.core").toString());
        assertEquals(0, dump.rc(), dump.err());
        assertTrue(dump.out().contains("read as Go 1.27"), dump.out());

        Result layout = run("layout", "itab", "--go", "1.23");
        assertEquals(0, layout.rc(), layout.err());
        assertTrue(layout.out().startsWith("itab (internal/abi.ITab) size 32"), layout.out());
        assertTrue(run("layout", "itab").out().startsWith("itab (runtime.itab) size 32"));

        Result stress = run("stress", "--go", "1.24", "--types", "20", "--interfaces", "5", "--threads", "2");
        assertEquals(0, stress.rc(), stress.err());
        assertTrue(stress.out().contains("count 100, distinct 100, duplicates 0, missing 0"), stress.out());

        for (String[] bad : new String[][] {{"demo", "--go", "1.20"}, {"stress", "--go", "1.28"}, {"layout", "--go", "1.20"}, {"demo", "--go", "x"}}) {
            Result r = run(bad);
            assertEquals(2, r.rc(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("goheap: "), r.err());
            assertTrue(r.out().isEmpty());
        }
    }
}
