package io.goheap.runtime.abi;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * View one against view two: gcc's sizeof/offsetof on native/include/goheap/go1_19_amd64.h
 * (the layoutcheck program of the manifest's 1.19 structs, compiled and run here) against the jextract layouts
 * in layouts/.
 */
class LayoutCheckTest {
    @TempDir
    static Path tmp;

    static Map<String, JsonNode> fromGcc;

    @BeforeAll
    static void compileAndRun() throws Exception {
        fromGcc = LayoutManifestTest.gcc("1.19", tmp);
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
}
