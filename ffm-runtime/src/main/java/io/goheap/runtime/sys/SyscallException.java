package io.goheap.runtime.sys;

/**
 * A system call failed. The message names the call, its arguments and the errno, for example
 * {@code mmap(addr=0x0, len=262144, prot=PROT_READ|PROT_WRITE, flags=MAP_PRIVATE|MAP_ANONYMOUS,
 * fd=-1, off=0) failed: ENOMEM (Cannot allocate memory)}.
 */
public final class SyscallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The call that failed. */
    private final String call;
    /** Its errno. */
    private final int errno;
    /** Whether a {@link FaultInjector} made it fail. */
    private final boolean injected;

    SyscallException(String call, String arguments, int errno, boolean injected, String goMessage) {
        super(call + "(" + arguments + ") failed: " + Errno.name(errno) + " (" + Errno.description(errno) + ")"
                + (injected ? " [injected fault]" : "") + (goMessage == null ? "" : "; " + goMessage));
        this.call = call;
        this.errno = errno;
        this.injected = injected;
    }

    /** The C function that failed, e.g. {@code "mmap"}. */
    public String call() {
        return call;
    }

    /** The errno the call left, e.g. 12 for ENOMEM. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. {@code "ENOMEM"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** True when a {@link FaultInjector} made the call fail instead of the kernel. */
    public boolean injected() {
        return injected;
    }
}
