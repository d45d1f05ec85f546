package io.goheap.runtime.gosrc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A Go module read from its folder: {@code go.mod}'s module path, one package per folder holding .go
 * files (test files left out), each parsed after the packages it imports. Package main has the import
 * path {@code main}, as in a module-mode build; the others {@code module/relative/folder}.
 */
public final class GoModule {
    private GoModule() {
    }

    /**
     * Reads every package of the module at {@code root}, dependencies first.
     *
     * @throws GoSyntaxException for unsupported source or an import cycle
     * @throws IOException if go.mod or a file cannot be read, or is refused by {@link SourceFiles} (not a
     *                     regular file, or over its size limit)
     */
    public static List<GoSource.Package> load(Path root) throws IOException {
        Path mod = root.resolve("go.mod");
        if (!Files.exists(mod)) {
            throw new IOException(root + ": no go.mod (a folder argument must be a module)");
        }
        SourceFiles reader = new SourceFiles();
        String module = reader.read(mod, mod.toString()).lines().map(String::strip).filter(l -> l.startsWith("module "))
                .map(l -> l.substring("module ".length()).strip().replace("\"", "")).findFirst()
                .orElseThrow(() -> new IOException(mod + ": no module line"));
        Map<String, Map<String, String>> byPath = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            // a folder named x.go is a folder (its files are walked too); any other non-regular x.go is refused by the reader
            for (Path f : files.filter(x -> x.toString().endsWith(".go") && !x.toString().endsWith("_test.go") && !Files.isDirectory(x)
                    && ignoredByGo(root.relativize(x))).sorted().toList()) {
                String rel = root.relativize(f.getParent()).toString().replace(java.io.File.separatorChar, '/');
                String path = rel.isEmpty() ? module : module + "/" + rel;
                String src = reader.read(f, root.relativize(f).toString());
                byPath.computeIfAbsent(path, k -> new LinkedHashMap<>()).put(root.relativize(f).toString(), src);
            }
        }
        Map<String, GoSource.Package> done = new LinkedHashMap<>();
        for (String path : byPath.keySet()) {
            load(path, byPath, done, new ArrayList<>());
        }
        return List.copyOf(done.values());
    }

    /** True unless the go command ignores the file: under testdata, or a folder or file named _* or .*. */
    private static boolean ignoredByGo(Path rel) {
        for (Path part : rel) {
            String n = part.toString();
            if (n.equals("testdata") || n.startsWith("_") || n.startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private static void load(String path, Map<String, Map<String, String>> byPath, Map<String, GoSource.Package> done,
                             List<String> stack) {
        if (done.containsKey(path)) {
            return;
        }
        if (stack.contains(path)) {
            throw new GoSyntaxException(path, 1, 1, "import cycle: " + String.join(" -> ", stack) + " -> " + path);
        }
        stack.add(path);
        Map<String, String> files = byPath.get(path);
        Map<String, GoSource.Package> deps = new LinkedHashMap<>();
        files.forEach((f, src) -> {
            for (String ip : GoSource.importsOf(f, src)) {
                if (byPath.containsKey(ip)) {
                    load(ip, byPath, done, stack);
                    deps.put(ip, done.get(ip));
                }
            }
        });
        stack.removeLast();
        done.put(path, GoSource.parse(files, path, deps));
    }
}
