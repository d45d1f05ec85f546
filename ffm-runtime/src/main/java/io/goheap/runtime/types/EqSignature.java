package io.goheap.runtime.types;

import io.goheap.runtime.abi.Kinds;

/**
 * Go 1.27's equality signature of a comparable type (reflectdata {@code eqSignature}): the comparisons its ==
 * makes, in memory order, condensed so that types comparing alike share one generated function. From 1.27 the
 * compiler names its equality and hash closures by it ({@code type:.eqfunc.M24}, {@code type:.hashfunc.SM8}), no
 * longer by the type.
 *
 * <p>The letters: {@code M}n, n bytes compared as memory; {@code K}n, n bytes skipped (padding, blank fields),
 * never at the end; {@code F} a float32, {@code G} a float64 (a complex number is two of them); {@code S} a
 * string; {@code I} a non-empty interface, {@code E} an empty one; {@code [}n ... {@code ]} the part inside n
 * times. Adjacent memory merges ({@code struct {a int32; b uint32}} is {@code M8}). An array of plain memory is
 * one {@code M}; another array of n elements is written element by element in a loop of as many elements as make
 * about 32 bytes ({@code unroll}, at least 1): the n mod unroll left-over elements first, then either the loop
 * once written out (n = unroll) or {@code [}n/unroll, unroll elements{@code ]}. amd64 merges loads, so no
 * {@code A} (alignment) prefix. Not thread-safe; one per signature.
 */
final class EqSignature {
    /** About this many bytes per iteration of an array's loop (eqSigBuilder.build's unrollSize). */
    private static final long UNROLL_BYTES = 32;

    private final StringBuilder r = new StringBuilder();
    /** queued bytes of memory to compare */
    private long regMem;
    /** queued bytes to skip */
    private long skipMem;
    private final TypeWriter w;

    private EqSignature(TypeWriter w) {
        this.w = w;
    }

    /** The signature of comparable type {@code t}, whose algorithms {@code w} knows (noalg parts per release). */
    static String of(TypeWriter w, GoType t) {
        EqSignature e = new EqSignature(w);
        e.build(t);
        e.flush(true);
        return e.r.toString();
    }

    private void flush(boolean atEnd) {
        if (regMem > 0) {
            r.append('M').append(regMem);
            regMem = 0;
        }
        if (skipMem > 0) {
            if (!atEnd) {
                r.append('K').append(skipMem);
            }
            skipMem = 0;
        }
    }

    private void regular(long n) {
        if (regMem == 0) {
            flush(false);
        }
        regMem += n;
    }

    private void skip(long n) {
        if (skipMem == 0) {
            flush(false);
        }
        skipMem += n;
    }

    private void letter(char c) {
        flush(false);
        r.append(c);
    }

    private void build(GoType t) {
        GoType u = t.underlying();
        if (u instanceof GoType.Basic b) {
            int k = b.kind();
            if (k == Kinds.FLOAT32) {
                letter('F');
            } else if (k == Kinds.FLOAT64) {
                letter('G');
            } else if (k == Kinds.COMPLEX64) {
                letter('F');
                letter('F');
            } else if (k == Kinds.COMPLEX128) {
                letter('G');
                letter('G');
            } else if (k == Kinds.STRING) {
                letter('S');
            } else {
                regular(b.size()); // bool, the integers, uintptr, unsafe.Pointer
            }
        } else if (u instanceof GoType.Pointer || u instanceof GoType.Chan) {
            regular(u.size());
        } else if (u instanceof GoType.Interface i) {
            letter(i.methods().isEmpty() ? 'E' : 'I');
        } else if (u instanceof GoType.Struct st) {
            long off = 0;
            for (int i = 0; i < st.fields().size(); i++) {
                GoType.Field f = st.fields().get(i);
                if (f.name().equals("_")) {
                    continue;
                }
                if (off < st.offset(i)) {
                    skip(st.offset(i) - off);
                }
                build(f.type());
                off = st.offset(i) + f.type().size();
            }
            if (off < st.size()) {
                skip(st.size() - off);
            }
        } else if (u instanceof GoType.Array a) {
            array(t, a);
        } else {
            throw new IllegalStateException("equality signature of " + t.string() + ": not comparable");
        }
    }

    private void array(GoType t, GoType.Array a) {
        if (w.alg(t).equals("mem")) {
            regular(t.size());
            return;
        }
        GoType et = a.elem();
        long n = a.len();
        if (n == 0) {
            return;
        }
        if (n == 1) {
            build(et);
            return;
        }
        if (et.size() == 0) {
            return; // zero-size elements need no comparison
        }
        long unroll = Math.max(1, UNROLL_BYTES / et.size());
        while (n % unroll != 0) {
            build(et);
            n--;
        }
        if (n == 0) {
            return;
        }
        if (n == unroll) {
            for (long i = 0; i < n; i++) {
                build(et);
            }
            return;
        }
        flush(false);
        r.append('[').append(n / unroll);
        for (long i = 0; i < unroll; i++) {
            build(et);
        }
        flush(false);
        r.append(']');
    }
}
