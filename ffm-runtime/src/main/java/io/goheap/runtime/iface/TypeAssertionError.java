package io.goheap.runtime.iface;

/**
 * Go's {@code *runtime.TypeAssertionError}: a failed interface conversion, with Go's message, e.g.
 * {@code interface conversion: main.T is not main.I: missing method M}.
 */
public final class TypeAssertionError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String missingMethod;

    TypeAssertionError(String concrete, String asserted, String missingMethod) {
        super("interface conversion: " + concrete + " is not " + asserted + ": missing method " + missingMethod);
        this.missingMethod = missingMethod;
    }

    /** The first interface method the concrete type lacks. */
    public String missingMethod() {
        return missingMethod;
    }
}
