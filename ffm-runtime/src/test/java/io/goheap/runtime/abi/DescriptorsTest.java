package io.goheap.runtime.abi;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The descriptors the simulator takes its offsets from: the static ones hold for every release goheap
 * has layouts of (they are constants because the structs did not change), {@link PDescriptor} follows
 * its release, and no main source outside {@code abi} reaches a release's jextract classes itself.
 */
class DescriptorsTest {
    @Test
    void staticDescriptorsHoldInEveryRelease() {
        for (GoRelease r : GoRelease.HAS_GROUND_TRUTH) {
            Abi abi = Abi.of(r);
            String at = r.toString();
            assertEquals(abi.offsetOf("_type", "size"), TypeDescriptor.SIZE_OFFSET, at);
            assertEquals(abi.offsetOf("_type", "ptrdata"), TypeDescriptor.PTRDATA_OFFSET, at);
            assertEquals(abi.offsetOf("_type", "hash"), TypeDescriptor.HASH_OFFSET, at);
            assertEquals(abi.offsetOf("_type", "tflag"), TypeDescriptor.TFLAG_OFFSET, at);
            assertEquals(abi.offsetOf("_type", "align"), TypeDescriptor.ALIGN_OFFSET, at);
            assertEquals(abi.offsetOf("_type", "fieldAlign"), TypeDescriptor.FIELD_ALIGN_OFFSET, at);
            assertEquals(abi.offsetOf("_type", "kind"), TypeDescriptor.KIND_OFFSET, at);
            assertEquals(abi.offsetOf("_type", "equal"), TypeDescriptor.EQUAL_OFFSET, at);
            assertEquals(abi.offsetOf("_type", "gcdata"), TypeDescriptor.GCDATA_OFFSET, at);
            assertEquals(abi.offsetOf("_type", "str"), TypeDescriptor.STR_OFFSET, at);
            assertEquals(abi.offsetOf("_type", "ptrToThis"), TypeDescriptor.PTR_TO_THIS_OFFSET, at);
            assertEquals(abi.sizeOf("_type"), TypeDescriptor.TYPE_SIZE, at);
            assertEquals(abi.offsetOf("uncommontype", "pkgpath"), TypeDescriptor.UNCOMMON_PKGPATH_OFFSET, at);
            assertEquals(abi.offsetOf("uncommontype", "mcount"), TypeDescriptor.UNCOMMON_MCOUNT_OFFSET, at);
            assertEquals(abi.offsetOf("uncommontype", "xcount"), TypeDescriptor.UNCOMMON_XCOUNT_OFFSET, at);
            assertEquals(abi.offsetOf("uncommontype", "moff"), TypeDescriptor.UNCOMMON_MOFF_OFFSET, at);
            assertEquals(abi.sizeOf("uncommontype"), TypeDescriptor.UNCOMMON_SIZE, at);
            assertEquals(abi.sizeOf("functype"), TypeDescriptor.FUNCTYPE_SIZE, at);
            assertEquals(abi.sizeOf("interfacetype"), TypeDescriptor.INTERFACETYPE_SIZE, at);
            assertEquals(abi.offsetOf("interfacetype", "mhdr") + abi.offsetOf("slice", "len"),
                    TypeDescriptor.INTERFACETYPE_MHDR_LEN_OFFSET, at);
            assertEquals(abi.sizeOf("imethod"), TypeDescriptor.IMETHOD_SIZE, at);
            assertEquals(abi.sizeOf("structfield"), TypeDescriptor.STRUCTFIELD_SIZE, at);

            assertEquals(abi.offsetOf("string", "str"), HeaderDescriptor.STRING_STR, at);
            assertEquals(abi.offsetOf("string", "len"), HeaderDescriptor.STRING_LEN, at);
            assertEquals(abi.sizeOf("string"), HeaderDescriptor.STRING_SIZE, at);
            assertEquals(abi.offsetOf("slice", "array"), HeaderDescriptor.SLICE_ARRAY, at);
            assertEquals(abi.offsetOf("slice", "len"), HeaderDescriptor.SLICE_LEN, at);
            assertEquals(abi.offsetOf("slice", "cap"), HeaderDescriptor.SLICE_CAP, at);
            assertEquals(abi.sizeOf("slice"), HeaderDescriptor.SLICE_SIZE, at);
            assertEquals(abi.layout("slice").byteAlignment(), HeaderDescriptor.SLICE_ALIGN, at);
            assertEquals(abi.offsetOf("eface", "_type"), HeaderDescriptor.EFACE_TYPE, at);
            assertEquals(abi.offsetOf("eface", "data"), HeaderDescriptor.EFACE_DATA, at);
            assertEquals(abi.sizeOf("eface"), HeaderDescriptor.EFACE_SIZE, at);
            assertEquals(abi.offsetOf("iface", "tab"), HeaderDescriptor.IFACE_TAB, at);
            assertEquals(abi.offsetOf("iface", "data"), HeaderDescriptor.IFACE_DATA, at);
            assertEquals(abi.sizeOf("iface"), HeaderDescriptor.IFACE_SIZE, at);

            assertEquals(abi.offsetOf("mutex", "key"), MutexDescriptor.KEY_OFFSET, at);
            assertEquals(abi.sizeOf("mutex"), MutexDescriptor.SIZE, at);
            assertEquals(abi.offsetOf("persistentAlloc", "base"), PersistentAllocDescriptor.BASE_OFFSET, at);
            assertEquals(abi.offsetOf("persistentAlloc", "off"), PersistentAllocDescriptor.OFF_OFFSET, at);
            assertEquals(abi.sizeOf("persistentAlloc"), PersistentAllocDescriptor.SIZE, at);
            assertEquals(abi.offsetOf("globalAlloc", "mutex") + abi.offsetOf("mutex", "key"),
                    PersistentAllocDescriptor.GLOBAL_KEY_OFFSET, at);
            assertEquals(abi.offsetOf("globalAlloc", "persistentAlloc"), PersistentAllocDescriptor.GLOBAL_ALLOC_OFFSET, at);
            assertEquals(abi.sizeOf("globalAlloc"), PersistentAllocDescriptor.GLOBAL_SIZE, at);
            assertEquals(abi.layout("globalAlloc").byteAlignment(), PersistentAllocDescriptor.GLOBAL_ALIGN, at);

            assertEquals(abi.sizeOf("itabTableType"), ItabProbe.DECLARED_SIZE, at);
            assertEquals(abi.offsetOf("itabTableType", "size"), ItabProbe.SIZE, at);
            assertEquals(abi.offsetOf("itabTableType", "count"), ItabProbe.COUNT, at);
            assertEquals(abi.offsetOf("itabTableType", "entries"), ItabProbe.ENTRIES, at);
        }
    }

    @Test
    void pDescriptorFollowsItsRelease() {
        PDescriptor go119 = new PDescriptor(Abi.of(new GoRelease(19)));
        assertEquals(0, go119.id);
        assertEquals(4, go119.status);
        assertEquals(4592, go119.pallocBase);
        assertEquals(4600, go119.pallocOff);
        assertEquals(8912, go119.size);
        for (GoRelease r : GoRelease.HAS_GROUND_TRUTH) {
            Abi abi = Abi.of(r);
            PDescriptor d = new PDescriptor(abi);
            assertEquals(abi.offsetOf("p", "status"), d.status, r.toString());
            assertEquals(abi.offsetOf("p", "palloc") + PersistentAllocDescriptor.OFF_OFFSET, d.pallocOff, r.toString());
            assertEquals(abi.sizeOf("p"), d.size, r.toString());
        }
        assertEquals(4632, new PDescriptor(Abi.of(new GoRelease(22))).pallocBase);
        assertEquals(4624, new PDescriptor(Abi.of(new GoRelease(24))).pallocBase);
    }

    @Test
    void onlyAbiImportsAReleasesLayouts() throws IOException {
        Path src = Path.of("src/main/java");
        assertTrue(Files.isDirectory(src), "run from the ffm-runtime module: " + src.toAbsolutePath());
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                String rel = src.relativize(p).toString().replace('\\', '/');
                if (rel.startsWith("io/goheap/runtime/abi/")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).matches(".*\\bio\\.goheap\\.layouts\\.go1\\d+\\b.*")) {
                        found.add(rel + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), found, "a release's layouts reached outside abi (take them from an Abi or an abi descriptor)");
    }
}
