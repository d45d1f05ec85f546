package io.goheap.runtime.abi;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a Go type string as the compiler prints it in symbol names ({@code *main.Xer}, {@code [3][4]int16},
 * {@code <-chan *main.S}, {@code map[main.Key]*main.Matrix}, {@code func(string, ...interface {}) (int, error)},
 * {@code struct { key string; elem []int }}, {@code interface { A() int; B() int }}): its kind and the type strings
 * of its parts. A name ({@code main.Grid}, {@code int}, {@code map.group[string][]int}) has no shape here: {@link #parse}
 * gives {@code null}. Test helper of ReleaseTypeBytesTest; it reads what cmd/compile's {@code types.TypeString} writes.
 *
 * @param kind     ptr, slice, array, chan, map, func, struct or interface
 * @param parts    ptr/slice/array/chan: the element; map: key, element; func: the parameters then the results (a
 *                 variadic {@code ...T} as {@code []T}); struct: the field types; interface: the method types
 *                 ({@code func() int})
 * @param names    struct: the field names; interface: the method names; else empty
 * @param len      array: the length; chan: the direction (1 receive, 2 send, 3 both); func: the parameter count
 * @param variadic func: the last parameter is {@code ...T}
 */
record GoTypeString(String kind, List<String> parts, List<String> names, long len, boolean variadic) {
    static GoTypeString parse(String s) {
        if (s.startsWith("*")) {
            return new GoTypeString("ptr", List.of(s.substring(1)), List.of(), 0, false);
        }
        if (s.startsWith("[]")) {
            return new GoTypeString("slice", List.of(s.substring(2)), List.of(), 0, false);
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            return new GoTypeString("array", List.of(s.substring(close + 1)), List.of(), Long.parseLong(s.substring(1, close)), false);
        }
        if (s.startsWith("<-chan ")) {
            return chan(s.substring("<-chan ".length()), 1);
        }
        if (s.startsWith("chan<- ")) {
            return chan(s.substring("chan<- ".length()), 2);
        }
        if (s.startsWith("chan ")) {
            return chan(s.substring("chan ".length()), 3);
        }
        if (s.startsWith("map[")) {
            int close = matching(s, 3);
            return new GoTypeString("map", List.of(s.substring(4, close), s.substring(close + 1)), List.of(), 0, false);
        }
        if (s.startsWith("func(")) {
            int close = matching(s, 4);
            List<String> in = new ArrayList<>(split(s.substring(5, close), ','));
            boolean variadic = !in.isEmpty() && in.getLast().startsWith("...");
            if (variadic) {
                in.set(in.size() - 1, "[]" + in.getLast().substring(3));
            }
            String rest = s.substring(close + 1).trim();
            List<String> out = rest.isEmpty() ? List.of()
                    : rest.startsWith("(") ? split(rest.substring(1, rest.length() - 1), ',') : List.of(rest);
            List<String> all = new ArrayList<>(in);
            all.addAll(out);
            return new GoTypeString("func", all, List.of(), in.size(), variadic);
        }
        if (s.startsWith("struct {") || s.startsWith("interface {")) {
            boolean struct = s.startsWith("struct");
            String body = s.substring(s.indexOf('{') + 1, s.length() - 1).trim();
            List<String> names = new ArrayList<>();
            List<String> parts = new ArrayList<>();
            for (String member : body.isEmpty() ? List.<String>of() : split(body, ';')) {
                if (struct) {
                    int sp = member.indexOf(' ');
                    names.add(member.substring(0, sp));
                    parts.add(member.substring(sp + 1));
                } else {
                    int paren = member.indexOf('(');
                    names.add(member.substring(0, paren));
                    parts.add("func" + member.substring(paren));
                }
            }
            return new GoTypeString(struct ? "struct" : "interface", parts, names, 0, false);
        }
        return null;
    }

    private static GoTypeString chan(String elem, int dir) {
        if (elem.startsWith("(") && elem.endsWith(")")) {
            elem = elem.substring(1, elem.length() - 1);
        }
        return new GoTypeString("chan", List.of(elem), List.of(), dir, false);
    }

    /** The index of the bracket closing the one at {@code open}. */
    private static int matching(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (--depth == 0) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("unbalanced: " + s);
    }

    /** {@code s} split at top-level {@code sep}, each part trimmed. */
    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == sep && depth == 0) {
                out.add(s.substring(from, i).trim());
                from = i + 1;
            }
        }
        if (!s.substring(from).isBlank()) {
            out.add(s.substring(from).trim());
        }
        return out;
    }
}
