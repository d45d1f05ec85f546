package io.goheap.runtime;

import io.goheap.runtime.testing.InspectFixtures;
import io.goheap.runtime.testing.NativeDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The READMEs' library examples, compiled and run exactly as they stand there (the fenced java block
 * between {@code <!-- example:NAME -->} and {@code <!-- /example:NAME -->}), so they cannot rot.
 */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    /** The root README's example: Go source to a native call through an itab. */
    @Test
    void rootReadmeLibraryExample() throws Exception {
        String out = compileAndRun(readme("README.md"), "library");
        assertEquals(List.of("true", "true", "main.(*Rect).Area"), out.lines().toList());
    }

    /** ffm-runtime/README.md's example: the itabs of a Go binary (the inspect fixture, Go 1.19). */
    @Test
    void ffmRuntimeReadmeInspectExample() throws Exception {
        Path exe = InspectFixtures.file("inspect").toAbsolutePath();
        List<String> out = compileAndRun(readme("ffm-runtime/README.md"), "inspect", exe.toString()).lines().toList();
        assertEquals("go1.19.8, " + (out.size() - 1) + " itabs", out.getFirst());
        // the fixture's own conversions (native/fixtures/inspect/main.go), as go tool nm names their itabs
        for (String itab : List.of("*main.data -> main.Xer", "main.square -> main.Shape", "*main.circle -> main.Shape",
                "main.myErr -> error")) {
            assertTrue(out.stream().anyMatch(l -> l.matches("0x[0-9a-f]+  " + Pattern.quote(itab))), itab + " in " + out);
        }
    }

    /** A README of the repository, found as the tests find native/: next to it. */
    private static String readme(String path) throws IOException {
        return Files.readString(NativeDir.get().toAbsolutePath().getParent().resolve(path));
    }

    /** The one java block of example {@code name}: between its markers, without the fences. */
    static String example(String readme, String name) {
        Matcher m = Pattern.compile("<!-- example:" + Pattern.quote(name) + " -->\\R```java\\R(.*?)^```\\R<!-- /example:"
                + Pattern.quote(name) + " -->", Pattern.DOTALL | Pattern.MULTILINE).matcher(readme);
        assertTrue(m.find(), "no example " + name);
        String code = m.group(1);
        assertTrue(!m.find(), "example " + name + " twice");
        return code;
    }

    /** Compiles the example against the test class path, runs its main with {@code args}, returns what it printed. */
    private String compileAndRun(String readme, String name, String... args) throws Exception {
        String code = example(readme, name);
        Matcher cls = Pattern.compile("^public class (\\w+)", Pattern.MULTILINE).matcher(code);
        assertTrue(cls.find(), "example " + name + " has no public class");
        Path src = dir.resolve("src").resolve(cls.group(1) + ".java");
        Path classes = dir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, code);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, null, StandardCharsets.UTF_8)) {
            List<String> options = new ArrayList<>(List.of("--release", "25", "-Xlint:all", "-Werror",
                    "-classpath", cp, "-d", classes.toString()));
            boolean ok = javac.getTask(null, fm, diags, options, null, fm.getJavaFileObjects(src.toFile())).call();
            assertTrue(ok, "example " + name + " does not compile: " + diags.getDiagnostics());
        }

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream was = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
             PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            loader.loadClass(cls.group(1)).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw new AssertionError("example " + name + " threw", e.getCause());
        } finally {
            System.setOut(was);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
