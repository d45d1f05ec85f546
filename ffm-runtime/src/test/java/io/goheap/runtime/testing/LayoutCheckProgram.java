package io.goheap.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gcc's view of a header: a {@code native/layoutcheck*.c} program (see {@code native/layoutcheck.h})
 * compiled with {@code gcc -std=c11 -Wall -Werror -I native/include} and run; its JSON by C struct name.
 */
public final class LayoutCheckProgram {
    private LayoutCheckProgram() {
    }

    /** Compiles and runs {@code native/<source>} in {@code dir}; each struct's JSON object by its name, in order. */
    public static Map<String, JsonNode> run(String source, Path dir) throws Exception {
        Path nativeDir = NativeDir.get();
        Path src = nativeDir.resolve(source);
        assertTrue(Files.isRegularFile(src), "no " + src);
        String name = source.replaceFirst("\\.c$", "");
        Path exe = dir.resolve(name);
        exec(List.of("gcc", "-std=c11", "-Wall", "-Werror", "-I", nativeDir.resolve("include").toString(),
                "-o", exe.toString(), src.toString()), dir.resolve(name + ".gcc.log"));
        Path json = dir.resolve(name + ".json");
        exec(List.of(exe.toString()), json);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode s : new ObjectMapper().readTree(json.toFile())) {
            assertNotNull(s.get("struct"));
            out.put(s.get("struct").asText(), s);
        }
        return out;
    }

    private static void exec(List<String> cmd, Path output) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), () -> cmd + " failed: " + quietly(output));
    }

    private static String quietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
