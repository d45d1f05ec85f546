package io.goheap.runtime.sys;

import io.goheap.layouts.libc.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.StringJoiner;

/**
 * {@code mmap}, {@code munmap}, {@code mprotect} and {@code madvise} with {@code errno} captured.
 *
 * <p>The function addresses and descriptors come from jextract's {@link Libc}; the handles here add
 * {@link Linker.Option#captureCallState(String...) captureCallState("errno")}, which jextract's own
 * handles lack, so the errno read is the one this call left and not one of a later JVM-internal call.
 * Each handle is built once; a call allocates only the 4-byte capture buffer, in a confined arena
 * (these are system calls costing microseconds, never a fast path).
 *
 * <p>The calls themselves are package-private: only {@link SysMemory}, which checks that a range is its
 * own under its lock, may unmap or reprotect memory; other modules get the constants and formatters.
 *
 * <p>Thread-safe: the handles are immutable and each call has its own capture buffer.
 */
public final class Mman {
    /** {@code PROT_NONE}: no access. */
    public static final int PROT_NONE = Libc.GOHEAP_PROT_NONE();
    /** {@code PROT_READ}. */
    public static final int PROT_READ = Libc.GOHEAP_PROT_READ();
    /** {@code PROT_WRITE}. */
    public static final int PROT_WRITE = Libc.GOHEAP_PROT_WRITE();
    /** {@code PROT_EXEC}. */
    public static final int PROT_EXEC = Libc.GOHEAP_PROT_EXEC();
    /** {@code MAP_PRIVATE}. */
    public static final int MAP_PRIVATE = Libc.GOHEAP_MAP_PRIVATE();
    /** {@code MAP_ANONYMOUS}: not backed by a file. */
    public static final int MAP_ANONYMOUS = Libc.GOHEAP_MAP_ANONYMOUS();
    /** {@code MAP_FIXED}: exactly at the address, replacing what is there. */
    public static final int MAP_FIXED = Libc.GOHEAP_MAP_FIXED();
    /** {@code MAP_NORESERVE}: no swap reserved. */
    public static final int MAP_NORESERVE = Libc.GOHEAP_MAP_NORESERVE();
    /** {@code MAP_FIXED_NOREPLACE}: exactly at the address, or {@code EEXIST}. */
    public static final int MAP_FIXED_NOREPLACE = Libc.GOHEAP_MAP_FIXED_NOREPLACE();
    /** {@code MADV_DONTNEED}: drop the pages; they read as zeros again. */
    public static final int MADV_DONTNEED = Libc.GOHEAP_MADV_DONTNEED();
    /** {@code MADV_FREE}: the kernel may drop the pages lazily. */
    public static final int MADV_FREE = Libc.GOHEAP_MADV_FREE();
    /** {@code MADV_HUGEPAGE}. */
    public static final int MADV_HUGEPAGE = Libc.GOHEAP_MADV_HUGEPAGE();
    /** {@code MADV_NOHUGEPAGE}. */
    public static final int MADV_NOHUGEPAGE = Libc.GOHEAP_MADV_NOHUGEPAGE();

    /** The OS page size ({@code sysconf(_SC_PAGESIZE)}), 4096 on x86-64 Linux. */
    public static final long PAGE_SIZE = Libc.sysconf(Libc.GOHEAP_SC_PAGESIZE());

    private static final long MAP_FAILED = -1L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle MMAP = capturing(Libc.mmap$address(), Libc.mmap$descriptor());
    private static final MethodHandle MUNMAP = capturing(Libc.munmap$address(), Libc.munmap$descriptor());
    private static final MethodHandle MPROTECT = capturing(Libc.mprotect$address(), Libc.mprotect$descriptor());
    private static final MethodHandle MADVISE = capturing(Libc.madvise$address(), Libc.madvise$descriptor());

    private Mman() {
    }

    /**
     * {@code mmap(addr, len, prot, flags, fd, off)}.
     *
     * @return the address of the new mapping
     * @throws SyscallException if mmap returns MAP_FAILED; it names the arguments and the errno
     */
    static long mmap(long addr, long len, int prot, int flags, int fd, long off) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE_LAYOUT);
            MemorySegment p = (MemorySegment) MMAP.invokeExact(state, MemorySegment.ofAddress(addr), len, prot, flags, fd, off);
            if (p.address() == MAP_FAILED) {
                throw failure("mmap", mmapArgs(addr, len, prot, flags, fd, off), errno(state), null);
            }
            return p.address();
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("mmap downcall", t);
        }
    }

    /** {@code munmap(addr, len)}. @throws SyscallException if it returns -1 */
    static void munmap(long addr, long len) {
        int3("munmap", MUNMAP, addr, len, 0, "addr=" + hex(addr) + ", len=" + len, false);
    }

    /** {@code mprotect(addr, len, prot)}. @throws SyscallException if it returns -1 */
    static void mprotect(long addr, long len, int prot) {
        int3("mprotect", MPROTECT, addr, len, prot, "addr=" + hex(addr) + ", len=" + len + ", prot=" + prot(prot), true);
    }

    /**
     * {@code MADV_POPULATE_WRITE} (Linux 5.14): fault the pages in, writable, in one call. Not among the
     * constants jextract bound from {@code native/include/goheap/libc.h} (the header predates it);
     * {@code MmanTest} holds this value to the C library's header with gcc.
     */
    public static final int MADV_POPULATE_WRITE = 23;

    /** {@code madvise(addr, len, advice)}. @throws SyscallException if it returns -1 */
    static void madvise(long addr, long len, int advice) {
        int3("madvise", MADVISE, addr, len, advice, "addr=" + hex(addr) + ", len=" + len + ", advice=" + advice(advice), true);
    }

    private static void int3(String call, MethodHandle h, long addr, long len, int arg, String args, boolean hasArg) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE_LAYOUT);
            int rc = hasArg
                    ? (int) h.invokeExact(state, MemorySegment.ofAddress(addr), len, arg)
                    : (int) h.invokeExact(state, MemorySegment.ofAddress(addr), len);
            if (rc == -1) {
                throw failure(call, args, errno(state), null);
            }
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(call + " downcall", t);
        }
    }

    static SyscallException failure(String call, String args, int errno, String goMessage) {
        return new SyscallException(call, args, errno, false, goMessage);
    }

    static String mmapArgs(long addr, long len, int prot, int flags, int fd, long off) {
        return "addr=" + hex(addr) + ", len=" + len + ", prot=" + prot(prot) + ", flags=" + flags(flags)
                + ", fd=" + fd + ", off=" + off;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** {@code PROT_READ|PROT_WRITE} for 3, {@code PROT_NONE} for 0. */
    public static String prot(int prot) {
        if (prot == PROT_NONE) {
            return "PROT_NONE";
        }
        StringJoiner j = new StringJoiner("|");
        int rest = prot;
        if ((prot & PROT_READ) != 0) { j.add("PROT_READ"); rest &= ~PROT_READ; }
        if ((prot & PROT_WRITE) != 0) { j.add("PROT_WRITE"); rest &= ~PROT_WRITE; }
        if ((prot & PROT_EXEC) != 0) { j.add("PROT_EXEC"); rest &= ~PROT_EXEC; }
        if (rest != 0) { j.add(hex(rest)); }
        return j.toString();
    }

    /** {@code MAP_PRIVATE|MAP_ANONYMOUS} for 0x22. */
    public static String flags(int flags) {
        StringJoiner j = new StringJoiner("|");
        int rest = flags;
        if ((flags & MAP_PRIVATE) != 0) { j.add("MAP_PRIVATE"); rest &= ~MAP_PRIVATE; }
        if ((flags & MAP_ANONYMOUS) != 0) { j.add("MAP_ANONYMOUS"); rest &= ~MAP_ANONYMOUS; }
        if ((flags & MAP_FIXED) != 0) { j.add("MAP_FIXED"); rest &= ~MAP_FIXED; }
        if ((flags & MAP_NORESERVE) != 0) { j.add("MAP_NORESERVE"); rest &= ~MAP_NORESERVE; }
        if ((flags & MAP_FIXED_NOREPLACE) != 0) { j.add("MAP_FIXED_NOREPLACE"); rest &= ~MAP_FIXED_NOREPLACE; }
        if (rest != 0 || flags == 0) { j.add(hex(rest)); }
        return j.toString();
    }

    static String advice(int advice) {
        if (advice == MADV_DONTNEED) return "MADV_DONTNEED";
        if (advice == MADV_FREE) return "MADV_FREE";
        if (advice == MADV_HUGEPAGE) return "MADV_HUGEPAGE";
        if (advice == MADV_NOHUGEPAGE) return "MADV_NOHUGEPAGE";
        if (advice == MADV_POPULATE_WRITE) return "MADV_POPULATE_WRITE";
        return Integer.toString(advice);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    @SuppressWarnings("restricted") // the libc functions jextract bound, with their own descriptors
    private static MethodHandle capturing(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO);
    }
}
