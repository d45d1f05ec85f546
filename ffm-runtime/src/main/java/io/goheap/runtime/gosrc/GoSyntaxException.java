package io.goheap.runtime.gosrc;

/** Go source goheap cannot read: the message starts with {@code file:line:col: }. */
public final class GoSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GoSyntaxException(String file, int line, int col, String message) {
        super(file + ":" + line + ":" + col + ": " + message);
    }
}
