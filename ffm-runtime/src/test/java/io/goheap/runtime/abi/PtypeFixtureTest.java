package io.goheap.runtime.abi;

import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.PtypeFixture;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * View three against view two: gdb's {@code ptype/o} of the runtime structs in a real Go 1.19 binary
 * (native/fixtures/ptype-o.txt, made by native/fixtures/make-fixtures.sh) against the jextract layouts:
 * every struct's size, and every field's name, offset, size and Go type.
 *
 * <p>One gdb quirk is allowed for: in C mode gdb 13 gives a Go func-typed field the size 1 (and
 * reports a 7-byte hole after it); the struct's next offset and total size prove the word is 8 bytes,
 * and the test checks exactly that instead.
 */
class PtypeFixtureTest {
    static final Map<String, PtypeFixture.Struct> GDB = load();

    static Map<String, PtypeFixture.Struct> load() {
        try {
            return PtypeFixture.parse(NativeDir.get().resolve("fixtures/ptype-o.txt"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyStructIsInTheFixture() {
        List<GoStructs.Struct> named = GoStructs.all().stream().filter(s -> !s.anonymous()).toList();
        assertEquals(named.size(), GDB.size(), "structs in ptype-o.txt: " + GDB.keySet());
        for (GoStructs.Struct s : named) {
            assertTrue(GDB.containsKey(s.goName()), "ptype-o.txt lacks " + s.goName());
        }
    }

    @TestFactory
    List<DynamicTest> everyFieldAgreesWithGdb() {
        List<DynamicTest> tests = new ArrayList<>();
        // anonymous struct types (p.gFree, p.mspancache) are checked as fields of their holder here
        for (GoStructs.Struct s : GoStructs.all().stream().filter(s -> !s.anonymous()).toList()) {
            tests.add(DynamicTest.dynamicTest(s.goName(), () -> {
                PtypeFixture.Struct g = GDB.get(s.goName());
                assertEquals(g.size(), s.size(), s.goName() + " size");
                assertEquals(g.fields().size(), s.fields().size(), s.goName() + " fields " + g.fields());
                for (int i = 0; i < g.fields().size(); i++) {
                    PtypeFixture.Field gf = g.fields().get(i);
                    GoStructs.Field jf = s.fields().get(i);
                    String where = s.goName() + "." + gf.name();
                    assertEquals(gf.name(), jf.name(), s.goName() + " field #" + i);
                    assertEquals(gf.offset(), jf.offset(), where + " offset");
                    assertEquals(gf.goType(), jf.goType(), where + " Go type");
                    if (gf.goType().startsWith("func(")) {
                        long next = i + 1 < g.fields().size() ? g.fields().get(i + 1).offset() : g.size();
                        assertEquals(next - gf.offset(), jf.size(), where + " size (func word, from the next offset)");
                    } else {
                        assertEquals(gf.size(), jf.size(), where + " size");
                    }
                }
            }));
        }
        return tests;
    }
}
