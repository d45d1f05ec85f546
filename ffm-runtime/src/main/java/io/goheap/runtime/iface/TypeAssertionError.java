package io.goheap.runtime.iface;

/**
 * Go's {@code *runtime.TypeAssertionError}: a failed interface conversion, with Go's message, e.g.
 * {@code interface conversion: main.T is not main.I: missing method M}.
 */
public class TypeAssertionError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The method the concrete type lacks, or "". */
    private final String missingMethod;

    TypeAssertionError(String concrete, String asserted, String missingMethod) {
        super("interface conversion: " + concrete + " is not " + asserted + ": missing method " + missingMethod);
        this.missingMethod = missingMethod;
    }

    private TypeAssertionError(String message) {
        super(message);
        this.missingMethod = "";
    }

    /** Asserting a nil interface value: {@code interface conversion: interface is nil, not main.I}. */
    public static final class Nil extends TypeAssertionError {
        private static final long serialVersionUID = 1L;

        Nil(String asserted) {
            super("interface conversion: interface is nil, not " + asserted);
        }
    }

    /** The first interface method the concrete type lacks. */
    public String missingMethod() {
        return missingMethod;
    }
}
