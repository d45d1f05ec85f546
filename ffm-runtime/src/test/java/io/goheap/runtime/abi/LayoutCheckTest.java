package io.goheap.runtime.abi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.goheap.runtime.testing.NativeDir;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * View one against view two: gcc's sizeof/offsetof on native/include/goheap/go1_19_amd64.h
 * (native/layoutcheck.c, compiled and run here) against the jextract layouts in layouts/.
 */
class LayoutCheckTest {
    @TempDir
    static Path tmp;

    static Map<String, JsonNode> fromGcc;

    @BeforeAll
    static void compileAndRun() throws Exception {
        Path nativeDir = NativeDir.get();
        Path exe = tmp.resolve("layoutcheck");
        run(List.of("gcc", "-std=c11", "-Wall", "-Werror", "-I", nativeDir.resolve("include").toString(),
                "-o", exe.toString(), nativeDir.resolve("layoutcheck.c").toString()), tmp.resolve("gcc.log"));
        Path json = tmp.resolve("layout.json");
        run(List.of(exe.toString()), json);
        fromGcc = new HashMap<>();
        for (JsonNode s : new ObjectMapper().readTree(json.toFile())) {
            fromGcc.put(s.get("struct").asText(), s);
        }
    }

    @Test
    void gccAndJextractKnowTheSameStructs() {
        List<String> java = GoStructs.all().stream().map(GoStructs.Struct::name).sorted().toList();
        List<String> c = fromGcc.keySet().stream().sorted().toList();
        assertEquals(c, java);
    }

    @TestFactory
    List<DynamicTest> everyFieldAgrees() {
        List<DynamicTest> tests = new ArrayList<>();
        for (GoStructs.Struct s : GoStructs.all()) {
            tests.add(DynamicTest.dynamicTest(s.name(), () -> {
                JsonNode c = fromGcc.get(s.name());
                assertEquals(c.get("size").asLong(), s.size(), s.name() + " sizeof");
                JsonNode cf = c.get("fields");
                assertEquals(cf.size(), s.fields().size(), s.name() + " field count");
                for (int i = 0; i < cf.size(); i++) {
                    GoStructs.Field f = s.fields().get(i);
                    String where = s.name() + "." + f.cName();
                    assertEquals(cf.get(i).get("name").asText(), f.cName(), s.name() + " field #" + i);
                    assertEquals(cf.get(i).get("offset").asLong(), f.offset(), where + " offset");
                    assertEquals(cf.get(i).get("size").asLong(), f.size(), where + " size");
                }
            }));
        }
        return tests;
    }

    private static void run(List<String> cmd, Path output) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), () -> cmd + " failed: " + readQuietly(output));
    }

    private static String readQuietly(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (Exception e) {
            return "(no output)";
        }
    }
}
