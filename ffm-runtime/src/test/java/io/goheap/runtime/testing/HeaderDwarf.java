package io.goheap.runtime.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * gcc's own list of a header's structs and fields, independent of any list of ours: the header compiled alone
 * with {@code gcc -g -gdwarf-4 -fno-eliminate-unused-debug-types -c}, and the DWARF of the object read back with
 * {@code readelf} (binutils, which gcc needs anyway). Every named struct declared in the header itself (not in
 * {@code <stdint.h>}) with its members in declaration order; members of anonymous structs nested in a struct
 * (spanQueue.chain) are not listed, the field that holds them is.
 */
public final class HeaderDwarf {
    private HeaderDwarf() {
    }

    private static final Pattern DIE = Pattern.compile("^ <(\\d+)><[0-9a-f]+>: Abbrev Number: \\d+(?: \\((\\w+)\\))?");
    private static final Pattern ATTR = Pattern.compile("^\\s+<[0-9a-f]+>\\s+(DW_AT_\\w+)\\s*: (.*)$");
    private static final Pattern FILE = Pattern.compile("^\\s+(\\d+)\\s+\\d+\\s+\\d+\\s+\\d+\\s+(\\S+)$");

    /** {@code native/include/goheap/<header>}'s structs by name, each with its field names, in header order. */
    public static Map<String, List<String>> structs(String header, Path dir) throws Exception {
        Path nativeDir = NativeDir.get();
        String name = header.replaceFirst("\\.h$", "") + ".dwarf";
        Path src = dir.resolve(name + ".c");
        Files.writeString(src, "#include \"goheap/" + header + "\"\n");
        Path obj = dir.resolve(name + ".o");
        LayoutCheckProgram.exec(List.of("gcc", "-std=c11", "-g", "-gdwarf-4", "-fno-eliminate-unused-debug-types",
                "-I", nativeDir.resolve("include").toString(), "-c", "-o", obj.toString(), src.toString()),
                dir.resolve(name + ".gcc.log"));
        Path lines = dir.resolve(name + ".line.txt");
        LayoutCheckProgram.exec(List.of("readelf", "--debug-dump=rawline", obj.toString()), lines);
        String file = null;
        for (String l : Files.readAllLines(lines)) {
            Matcher m = FILE.matcher(l);
            if (m.matches() && m.group(2).equals(header)) {
                file = m.group(1);
            }
        }
        if (file == null) {
            throw new AssertionError("readelf: " + header + " is not in the line table of " + obj);
        }
        Path info = dir.resolve(name + ".info.txt");
        LayoutCheckProgram.exec(List.of("readelf", "--debug-dump=info", obj.toString()), info);

        // one pass over the DIEs: a depth-1 structure_type opens a struct, its depth-2 members are its fields
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<Die> dies = new ArrayList<>();
        Die cur = null;
        for (String l : Files.readAllLines(info)) {
            Matcher m = DIE.matcher(l);
            if (m.find()) {
                cur = new Die(Integer.parseInt(m.group(1)), m.group(2), new LinkedHashMap<>());
                dies.add(cur);
                continue;
            }
            m = ATTR.matcher(l);
            if (cur != null && m.matches()) {
                String v = m.group(2).strip();
                int ind = v.lastIndexOf("): ");
                cur.attrs().put(m.group(1), ind >= 0 && v.startsWith("(") ? v.substring(ind + 3).strip() : v);
            }
        }
        List<String> fields = null;
        for (Die d : dies) {
            if (d.depth() <= 1) {
                fields = null;
            }
            if (d.depth() == 1 && "DW_TAG_structure_type".equals(d.tag()) && d.attrs().containsKey("DW_AT_name")
                    && file.equals(d.attrs().get("DW_AT_decl_file")) && !d.attrs().containsKey("DW_AT_declaration")) {
                fields = new ArrayList<>();
                out.put(d.attrs().get("DW_AT_name"), fields);
            } else if (fields != null && d.depth() == 2 && "DW_TAG_member".equals(d.tag())) {
                fields.add(d.attrs().get("DW_AT_name"));
            }
        }
        return out;
    }

    private record Die(int depth, String tag, Map<String, String> attrs) {
    }
}
