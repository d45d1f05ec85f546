package io.goheap.runtime.alloc;

import io.goheap.runtime.testing.NativeDir;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The computed size classes against the tables a real Go 1.19 binary carries
 * (native/fixtures/runtime-tables.txt: the bytes of runtime.class_to_size & co., read with objdump).
 */
class SizeClassesTest {
    static Map<String, byte[]> tables() throws IOException {
        Map<String, byte[]> m = new HashMap<>();
        for (String line : Files.readAllLines(NativeDir.get().resolve("fixtures/runtime-tables.txt"))) {
            if (!line.startsWith("#")) {
                String[] f = line.split(" ");
                byte[] b = HexFormat.of().parseHex(f[3]);
                assertEquals(Integer.parseInt(f[2]), b.length, f[0] + " size");
                m.put(f[0], b);
            }
        }
        return m;
    }

    @Test
    void tablesEqualTheBinarys() throws IOException {
        Map<String, byte[]> go = tables();
        byte[] sizes = go.get("runtime.class_to_size");
        byte[] pages = go.get("runtime.class_to_allocnpages");
        assertEquals(SizeClasses.NUM * 2, sizes.length);
        for (int c = 0; c < SizeClasses.NUM; c++) {
            int goSize = (sizes[2 * c] & 0xff) | (sizes[2 * c + 1] & 0xff) << 8;
            assertEquals(goSize, SizeClasses.classToSize(c), "class_to_size[" + c + "]");
            assertEquals(pages[c] & 0xff, SizeClasses.classToPages(c), "class_to_allocnpages[" + c + "]");
        }
        assertArrayEquals(go.get("runtime.size_to_class8"), SizeClasses.sizeToClass8());
        assertArrayEquals(go.get("runtime.size_to_class128"), SizeClasses.sizeToClass128());
    }

    @Test
    void lookupPicksTheSmallestFittingClass() {
        for (int size = 1; size <= SizeClasses.MAX_SMALL_SIZE; size++) {
            int c = SizeClasses.sizeToClass(size);
            int prev = c > 1 ? SizeClasses.classToSize(c - 1) : 0;
            assertEquals(true, SizeClasses.classToSize(c) >= size && prev < size, "size " + size + " -> class " + c);
        }
        assertEquals(1, SizeClasses.sizeToClass(8));
        assertEquals(2, SizeClasses.sizeToClass(9));
        assertEquals(SizeClasses.NUM - 1, SizeClasses.sizeToClass(SizeClasses.MAX_SMALL_SIZE));
    }
}
