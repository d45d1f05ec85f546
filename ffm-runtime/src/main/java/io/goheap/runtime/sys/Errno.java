package io.goheap.runtime.sys;

import io.goheap.layouts.libc.Libc;

import java.lang.foreign.MemorySegment;

/**
 * errno numbers and their names, as glibc spells them ({@code strerrorname_np}, {@code strerror}).
 * The constants are the ones goheap uses or injects; {@link #name(int)} names any errno.
 */
public final class Errno {
    public static final int EPERM = Libc.GOHEAP_EPERM();
    public static final int EAGAIN = Libc.GOHEAP_EAGAIN();
    public static final int ENOMEM = Libc.GOHEAP_ENOMEM();
    public static final int EACCES = Libc.GOHEAP_EACCES();
    public static final int EFAULT = Libc.GOHEAP_EFAULT();
    public static final int EEXIST = Libc.GOHEAP_EEXIST();
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

    private static String cString(MemorySegment p, String fallback) {
        if (p.equals(MemorySegment.NULL)) {
            return fallback;
        }
        // glibc returns pointers into its own static, NUL-terminated tables; 256 bytes bound the read.
        return p.reinterpret(256).getString(0);
    }
}
