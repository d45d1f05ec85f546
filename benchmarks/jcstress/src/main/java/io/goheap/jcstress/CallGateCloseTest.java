package io.goheap.jcstress;

import io.goheap.runtime.sys.CallGate;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The call gate's close racing a critical call through it: one actor calls the code of a fresh page
 * ({@code lea rax, [rdi+1]; ret}) through the gate's trampoline; the other closes the gate and then
 * unmaps the page. The call either ran before the close (the handshake waited for it) and returns
 * 42, or the trampoline refused it and it throws {@link IllegalStateException}. A call that jumped into
 * the page after its unmapping would fault and kill the test JVM, which jcstress reports as an error.
 *
 * <p>What it can catch: the refusal word stored after the handshake instead of before, a handshake
 * that does not wait for threads inside critical calls, or the JIT moving the trampoline's slot check.
 */
@JCStressTest
@Description("A critical call through a CallGate racing its close finishes before the code is unmapped, or is refused.")
@Outcome(id = "42", expect = ACCEPTABLE, desc = "the call ran before the close")
@Outcome(id = "-1", expect = ACCEPTABLE, desc = "the call was refused: the gate had closed")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
@SuppressWarnings("restricted") // libc's mmap family by their own signatures, and the one page this test maps
public class CallGateCloseTest {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MMAP = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("mmap"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MPROTECT = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("mprotect"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("munmap"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final int PROT_RW = 3;
    private static final int PROT_RX = 5;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x22;
    private static final long PAGE = 4096;
    /** lea rax, [rdi+1]; ret */
    private static final byte[] CODE = {0x48, (byte) 0x8d, 0x47, 0x01, (byte) 0xc3};

    private final CallGate gate = new CallGate();
    private final long page;

    public CallGateCloseTest() {
        try {
            page = (long) MMAP.invokeExact(0L, PAGE, PROT_RW, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (page == -1) {
                throw new IllegalStateException("mmap failed");
            }
            // this process just mapped the page: bounded to it
            MemorySegment.copy(MemorySegment.ofArray(CODE), 0, MemorySegment.ofAddress(page).reinterpret(PAGE), 0, CODE.length);
            if ((int) MPROTECT.invokeExact(page, PAGE, PROT_RX) != 0) {
                throw new IllegalStateException("mprotect failed");
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Actor
    public void caller(J_Result r) {
        try {
            r.r1 = gate.call(page, 41);
        } catch (IllegalStateException refused) {
            r.r1 = -1;
        }
    }

    @Actor
    public void closer() {
        gate.close(); // waits for a call in flight, refuses the rest
        try {
            int rc = (int) MUNMAP.invokeExact(page, PAGE);
            if (rc != 0) {
                throw new IllegalStateException("munmap failed");
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
