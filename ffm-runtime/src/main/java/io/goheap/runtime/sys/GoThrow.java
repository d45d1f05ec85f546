package io.goheap.runtime.sys;

/**
 * An invariant of the simulated Go runtime broke: where Go calls {@code throw("...")} and the
 * process dies, goheap throws this, with Go's message. Never caught inside goheap.
 */
public final class GoThrow extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private GoThrow(String message) {
        super("fatal error: " + message);
    }

    /** The exception for Go's {@code throw(message)}. */
    public static GoThrow of(String message) {
        return new GoThrow(message);
    }
}
