package io.goheap.runtime.testing;

import io.goheap.runtime.sys.SysMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Base of every test that maps native memory: after each test, every mapping and reservation any
 * GoRuntime/SysMemory made during it must be gone again (the process-wide live counts are back where
 * they were). A test that forgets a close fails here, naming the counts.
 */
public abstract class NativeMemoryTest {
    private SysMemory.Live before;

    @BeforeEach
    final void recordLiveMemory() {
        before = SysMemory.liveInProcess();
    }

    @AfterEach
    final void checkNothingLeaked() {
        assertEquals(before, SysMemory.liveInProcess(), "native memory left mapped after the test");
    }
}
