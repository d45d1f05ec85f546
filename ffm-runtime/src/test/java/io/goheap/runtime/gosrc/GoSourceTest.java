package io.goheap.runtime.gosrc;

import io.goheap.runtime.types.GoType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoSourceTest {
    static String error(String src) {
        return assertThrows(GoSyntaxException.class, () -> GoSource.parse("t.go", src)).getMessage();
    }

    @Test
    void typesMethodsAndConversions() {
        GoSource.Package p = GoSource.parse("t.go", """
                package main
                // a comment
                type (
                    T struct { a, b int; C string `k:"v"` }
                    I interface { M(x, y int) (bool, error); N() }
                    J interface { I; O() }
                )
                func (t *T) M(x, y int) (bool, error) { if x > y { return true, nil }; return false, nil }
                func (t T) N() {}
                func (t T) O() {}
                func helper(s string) int { return len(s) }
                var v1 I = &T{a: 1}
                var v2 J = &T{}
                var _ I = &T{}
                var v3 I = new(T)
                """);
        assertEquals(List.of("T", "I", "J"), p.types().stream().map(GoType.Named::name).toList());
        GoType.Interface j = (GoType.Interface) p.types().get(2).underlying();
        assertEquals(List.of("M", "N", "O"), j.methods().stream().map(GoType.IMethod::name).toList(), "embedded I flattened, sorted");
        assertEquals("func(int, int) (bool, error)", j.methods().getFirst().sig().string());
        GoType.Struct s = (GoType.Struct) p.types().getFirst().underlying();
        assertEquals("k:\"v\"", s.fields().get(2).tag());
        assertEquals(List.of("v1 *main.T main.I", "v2 *main.T main.J", "v3 *main.T main.I"),
                p.conversions().stream().map(c -> c.var() + " " + c.concrete() + " " + c.iface()).toList(), "no itab for var _");
    }

    @Test
    void forwardReferencesAndRecursionAsGoHasThem() {
        GoSource.Package p = GoSource.parse("t.go", """
                package main
                type A struct { b B; m M; e E }
                type B struct { x int; next *A }
                type M map[K]int
                type K int
                type E interface { D }
                type D interface { M() }
                """);
        assertEquals(List.of("A", "B", "M", "K", "E", "D"), p.types().stream().map(GoType.Named::name).toList());
        assertEquals(40, p.types().getFirst().size(), "A: B (16) + M (8) + E (16), B resolved before A's layout");
        assertEquals("t.go:2:11: invalid recursive type T", error("package main\ntype T [2]T\n"));
        assertEquals("t.go:3:18: invalid recursive type A", error("package main\ntype A struct{ b B }\ntype B struct{ a A }\n"));
        assertEquals("t.go:2:19: invalid recursive type I", error("package main\ntype I interface{ I }\n"));
    }

    @Test
    void invalidGoIsRefusedWithAPosition() {
        assertEquals("t.go:2:23: duplicate field a", error("package main\ntype T struct{ a int; a string }\n"));
        assertEquals("t.go:3:10: field and method with the same name M", error("package main\ntype T struct{ M int }\nfunc (T) M() {}\n"));
        assertEquals("t.go:2:16: embedded field type must be a type name", error("package main\ntype T struct{ *[]int }\n"));
        assertEquals("t.go:4:5: cannot use main.T as main.I in x: main.T does not implement main.I (missing method M)",
                error("package main\ntype I interface{ M() }\ntype T struct{}\nvar x I = T{}\n"));
        assertTrue(error("package main\ntype A [9223372036854775807]int64\n").startsWith("t.go:2:8: type too large"));
        assertEquals("t.go:2:9: string literal not terminated", error("package main\nvar s = \"abc\\"));
    }

    @Test
    void errorsNameFileLineAndColumn() {
        assertEquals("t.go:2:8: unsupported: type alias M", error("package main\ntype M = map[string]int\n"));
        assertEquals("t.go:2:8: invalid map key type []int", error("package main\ntype M map[[]int]int\n"));
        assertEquals("t.go:2:8: unsupported: import \"fmt\" (only unsafe and the packages of the module being read)",
                error("package main\nimport \"fmt\"\n"));
        assertEquals("t.go:2:9: unsupported: array length N (an integer literal is needed)", error("package main\ntype A [N]int\n").replace("'N'", "N"));
        assertEquals("t.go:2:19: undefined: U", error("package main\ntype T struct { u U }\n"));
        assertEquals("t.go:2:7: unsupported: generic type T", error("package main\ntype T[P any] struct{}\n").replace(":7:", ":7:"));
        assertEquals("t.go:1:9: expected name, found newline", error("package \ntype T int\n").replace("1:9", "1:9"));
        assertTrue(error("package main\ntype T struct {\n").startsWith("t.go:3:1: "), error("package main\ntype T struct {\n"));
        assertEquals("t.go:2:9: string literal not terminated", error("package main\nvar s = \"abc\n"));
    }
}
