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
        assertEquals("t.go:2:8: type [9223372036854775807]int64 larger than address space", error("package main\ntype A [9223372036854775807]int64\n"));
        assertEquals("t.go:2:9: string literal not terminated", error("package main\nvar s = \"abc\\"));
    }

    @Test
    void errorsNameFileLineAndColumn() {
        assertEquals("t.go:2:8: unsupported: type alias M", error("package main\ntype M = map[string]int\n"));
        assertEquals("t.go:2:8: invalid map key type []int", error("package main\ntype M map[[]int]int\n"));
        assertEquals("t.go:2:8: unsupported: import \"fmt\" (only unsafe and the packages of the module being read)",
                error("package main\nimport \"fmt\"\n"));
        assertEquals("t.go:2:9: array length N: undefined: N", error("package main\ntype A [N]int\n"));
        assertEquals("t.go:2:19: undefined: U", error("package main\ntype T struct { u U }\n"));
        assertEquals("t.go:2:7: unsupported: generic type T", error("package main\ntype T[P any] struct{}\n").replace(":7:", ":7:"));
        assertEquals("t.go:1:9: expected name, found newline", error("package \ntype T int\n").replace("1:9", "1:9"));
        assertTrue(error("package main\ntype T struct {\n").startsWith("t.go:3:1: "), error("package main\ntype T struct {\n"));
        assertEquals("t.go:2:9: string literal not terminated", error("package main\nvar s = \"abc\n"));
    }

    @Test
    void arrayLengthsAreConstantExpressionsAsGoEvaluatesThem() {
        GoSource.Package p = GoSource.parse("t.go", """
                package main
                type A [N*2]int
                const N = 3
                const (
                    KB = 1 << (10 * (iota + 1))
                    MB
                )
                type B [MB / KB]byte
                type C [-5%3 + 5/-2 + 7&^2 + 1<<3 | 1 + (-7)/2*-1]int8
                type D [1 << 40]int
                type E [1<<47 - 1]int
                type F ['a' - 'A' + 0x1_0 + 0o7 + 07 + 0b11]bool
                type Size uint16
                const Four Size = 4
                const big = 1 << 511
                type G [Four * Four][big >> 509]int
                var s = "not used by any length"
                const str = "nor is this"
                """);
        // C: -5%3 = -2, 5/-2 = -2, 7&^2 = 5, 1<<3 = 8, (-7)/2*-1 = 3; + and | share a level: ((-2-2+5+8) | 1) + 3 = 12
        // F: 32 + 16 + 7 + 7 + 3 = 65; the same lengths as go1.19 in native/fixtures/consts
        assertEquals(List.of(48L, 1024L, 12L, 8L << 40, (1L << 50) - 8, 65L, 16L * 4 * 8),
                p.types().stream().filter(t -> t.underlying() instanceof GoType.Array).map(GoType::size).toList());
    }

    @Test
    void arrayLengthRefusalsNameTheConstructAndItsPosition() {
        assertEquals("t.go:2:9: array length N * 2: undefined: N", error("package main\ntype A [N*2]int\n"));
        assertEquals("t.go:2:8: type [140737488355328]int larger than address space", error("package main\ntype A [1 << 47]int\n"));
        assertEquals("t.go:2:9: array length 1 << 63: 9223372036854775808 overflows int", error("package main\ntype A [1 << 63]byte\n"));
        assertEquals("t.go:2:9: array length -1: invalid array length -1 (negative)", error("package main\ntype A [-1]int\n"));
        assertEquals("t.go:2:11: array length 1 / 0: invalid operation: division by zero", error("package main\ntype A [1/0]int\n"));
        assertEquals("t.go:2:10: array length 1 << 1000: constant overflow: 1 << 1000 needs more than 512 bits",
                error("package main\ntype A [1<<1000]int\n"));
        assertEquals("t.go:2:14: array length 1 << -1: invalid operation: negative shift count -1", error("package main\ntype A [1 << -1]int\n"));
        assertEquals("t.go:3:10: array length n * 2: n * 2 (constant 200 of type int8) overflows int8",
                error("package main\nconst n int8 = 100\ntype A [n*2]int\n"));
        assertEquals("t.go:4:10: array length n + m: invalid operation: n + m (mismatched types uint8 and int)",
                error("package main\nconst n uint8 = 1\nconst m int = 2\ntype A [n+m]int\n"));
        assertEquals("t.go:2:7: array length A: initialization loop for A", error("package main\nconst A = B\nconst B = A\ntype T [A]int\n"));
        assertEquals("t.go:3:9: array length v: v is not a constant", error("package main\nvar v = 3\ntype A [v]int\n"));
        assertEquals("t.go:2:9: array length int: int (type) is not an expression", error("package main\ntype A [int]int\n"));
        assertEquals("t.go:2:11: array length x: unsupported: string constant \"s\"", error("package main\nconst x = \"s\"\ntype A [x]int\n"));
        assertEquals("t.go:2:9: array length 2.5: unsupported: floating-point constant 2.5", error("package main\ntype A [2.5]int\n"));
        assertEquals("t.go:2:9: array length len(\"abc\"): unsupported: call len(\"abc\") (goheap evaluates integer literals, "
                + "constants and operators only)", error("package main\ntype A [len(\"abc\")]int\n"));
        assertEquals("t.go:2:9: array length iota: cannot use iota outside constant declaration", error("package main\ntype A [iota]int\n"));
        assertEquals("t.go:2:9: invalid use of [...] array (outside a composite literal)", error("package main\ntype A [...]int\n"));
        assertEquals("t.go:2:12: expected constant expression, found ']'", error("package main\ntype A [N +]int\n"));
        assertTrue(error("package main\ntype A [" + "1+".repeat(2000) + "1]int\n").endsWith("constant expression too long (more than 1000 operators)"));
        // still generic, by go/parser's rule: a name followed by anything but ], or name *X followed by a comma
        assertEquals("t.go:2:7: unsupported: generic type T", error("package main\ntype T[K comparable, V any] struct{}\n"));
        assertEquals("t.go:2:7: unsupported: generic type T", error("package main\ntype T[P *int,] struct{}\n"));
    }
}
