package io.goheap.runtime.sys;

import io.goheap.layouts.libc.Libc;

import java.lang.foreign.MemorySegment;

/**
 * errno numbers and their names, as glibc spells them ({@code strerrorname_np}, {@code strerror}).
 * The constants are the ones goheap uses or injects; {@link #name(int)} names any errno.
 */
public final class Errno {
    /** {@code EPERM}: operation not permitted. */
    public static final int EPERM = Libc.GOHEAP_EPERM();
    /** {@code EAGAIN}: try again. */
    public static final int EAGAIN = Libc.GOHEAP_EAGAIN();
    /** {@code ENOMEM}: out of memory or address space. */
    public static final int ENOMEM = Libc.GOHEAP_ENOMEM();
    /** {@code EACCES}: permission denied. */
    public static final int EACCES = Libc.GOHEAP_EACCES();
    /** {@code EFAULT}: bad address. */
    public static final int EFAULT = Libc.GOHEAP_EFAULT();
    /** {@code EEXIST}: the range is mapped already ({@code MAP_FIXED_NOREPLACE}). */
    public static final int EEXIST = Libc.GOHEAP_EEXIST();
    /** {@code EINVAL}: invalid argument. */
    public static final int EINVAL = Libc.GOHEAP_EINVAL();

    private Errno() {
    }

    /** The symbolic name ({@code "ENOMEM"}), or {@code "errno=N"} for a number glibc does not know. */
    public static String name(int errno) {
        return cString(Libc.strerrorname_np(errno), "errno=" + errno);
    }

    /** The text glibc gives ({@code "Cannot allocate memory"}). */
    public static String description(int errno) {
        return cString(Libc.strerror(errno), "unknown error " + errno);
    }

    /** The errno whose name is {@code name}, e.g. {@code "ENOMEM"} gives 12. */
    public static int byName(String name) {
        for (int e = 1; e < 134; e++) {
            if (name(e).equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown errno name=" + name);
    }

    @SuppressWarnings("restricted") // glibc's own string tables, read to at most 256 bytes (below)
    private static String cString(MemorySegment p, String fallback) {
        if (p.equals(MemorySegment.NULL)) {
            return fallback;
        }
        // glibc returns pointers into its own static, NUL-terminated tables; 256 bytes bound the read.
        return p.reinterpret(256).getString(0);
    }
}
