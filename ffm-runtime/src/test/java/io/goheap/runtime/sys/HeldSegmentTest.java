package io.goheap.runtime.sys;

import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A native call that holds a segment of a mapping keeps its arena acquired: sysFree, protect and close
 * must then refuse (and change nothing) instead of unmapping memory the call is using; close releases
 * everything else and finishes on a second call once the native call returned.
 */
class HeldSegmentTest extends NativeMemoryTest {
    /** int nanosleep(const struct timespec *req, struct timespec *rem): rem points into our mapping. */
    @SuppressWarnings("restricted") // libc's nanosleep, with its own signature
    static final MethodHandle NANOSLEEP = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("nanosleep"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    @Test
    void aSegmentInANativeCallBlocksFreeProtectAndCloseButNothingElse() throws Exception {
        SysMemory sys = new SysMemory(new MemStats());
        Mapping held = sys.sysAlloc(4096, SysStat.OTHER_SYS, "held");
        Mapping other = sys.sysAlloc(4096, SysStat.OTHER_SYS, "other");
        CountDownLatch inCall = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment req = a.allocate(16, 8);
                req.set(ValueLayout.JAVA_LONG, 0, 0);
                req.set(ValueLayout.JAVA_LONG, 8, 400_000_000L); // 0.4 s
                inCall.countDown();
                int rc = (int) NANOSLEEP.invokeExact(req, held.segment());
                assertEquals(0, rc);
            } catch (Throwable e) {
                throw new AssertionError(e);
            }
        });
        inCall.await();
        Thread.sleep(100); // let the thread enter nanosleep
        assertThrows(IllegalStateException.class, () -> sys.sysFree(held));
        assertThrows(IllegalStateException.class, () -> sys.protect(held, Mman.PROT_READ));
        assertTrue(held.isAlive(), "nothing changed");
        assertEquals(8192, sys.stats().get(SysStat.OTHER_SYS));
        IllegalStateException e = assertThrows(IllegalStateException.class, sys::close);
        assertTrue(e.getMessage().startsWith("1 mapping(s) still held by native calls"), e.getMessage());
        assertFalse(other.isAlive(), "the rest is released");
        assertEquals(1, sys.mappings().size());
        t.join();
        sys.close();
        assertTrue(sys.mappings().isEmpty());
        assertFalse(held.isAlive());
    }
}
