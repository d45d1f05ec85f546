package io.goheap.runtime.types;

import java.io.ByteArrayOutputStream;

/**
 * The GC program of a type whose pointer prefix is too long for a mask, as the compilers of Go 1.19 to 1.23 write
 * it (reflectdata dgcprog and gcProg.emit over cmd/internal/gcprog's Writer); Go 1.24 dropped GC programs.
 *
 * <p>When is a program used: when the type's ptrdata, in words, is more than maxPtrmaskBytes * 8
 * ({@link io.goheap.runtime.abi.Abi#maxPtrmaskBytes()}: 2048 bytes of mask, 8 words a byte). A type of 16384
 * pointer words still gets a {@code runtime.gcbits.*} mask; one of 16385 gets {@code type..gcprog.T}
 * ({@code type:.gcprog.T} from 1.21), and its kind byte has kindGCProg.
 *
 * <p>The program is a byte code over a stream of bits, one per word from the value's start:
 * <ul>
 *   <li>{@code 0nnnnnnn} then ceil(n/8) bytes: n literal bits, low bit first (n from 1 to 127);</li>
 *   <li>{@code 1nnnnnnn} (n from 1 to 127), or {@code 10000000} then a varint n, then a varint c:
 *       repeat the last n bits c more times;</li>
 *   <li>{@code 00000000}: the end.</li>
 * </ul>
 * The symbol holds a 4-byte little-endian length of the program, then the program. The compiler walks
 * the type in memory order: a pointer-shaped word is a literal 1; gaps shorter than 32 words are literal
 * 0s, longer ones a 0 and a repeat; an array (nested arrays flattened into one count) of more than 32
 * words in all is written once, padded with zeros to the element's end and repeated count-1 times,
 * smaller ones element by element. The ptrdata the descriptor then declares is where the program ends
 * (so a repeated array covers its last element whole), not the type's own ptrdata.
 */
final class GcProg {
    /** cmd/internal/gcprog progMaxLiteral: the most literal bits one instruction holds. */
    private static final int MAX_LITERAL = 127;
    /** gcprog ShouldRepeat: runs of up to this many words are cheaper written out than repeated. */
    private static final long REPEAT_MIN_WORDS = 4 * 8;
    /**
     * goheap's own limit on the walk (Go has none): a type built of structs that each hold the previous
     * one twice has 2^depth pointers and no array to repeat, so its program grows as fast.
     */
    static final long MAX_STEPS = 1L << 24;
    private static final int PTR = GoType.PTR;

    /** The program (without its length prefix) and the words it describes. */
    record Program(byte[] code, long words) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final byte[] lits = new byte[MAX_LITERAL];
    private int nlits;
    /** words described so far (gcprog Writer.index) */
    private long index;
    private long steps;
    private final GoType root;

    private GcProg(GoType root) {
        this.root = root;
    }

    /**
     * The GC program of {@code t}.
     *
     * @throws UnsupportedOperationException if the walk takes more than {@link #MAX_STEPS} steps
     */
    static Program of(GoType t) {
        GcProg p = new GcProg(t);
        p.emit(t, 0);
        long words = p.index;
        p.flush();
        p.out.write(0);
        return new Program(p.out.toByteArray(), words);
    }

    /** gcProg.emit: the pointer words of a value of {@code t} at byte {@code offset}. */
    private void emit(GoType t, long offset) {
        if (++steps > MAX_STEPS) {
            throw new UnsupportedOperationException("GC program of " + root.string() + ": more than " + MAX_STEPS
                    + " steps to write (its pointers are not in arrays goheap can repeat)");
        }
        if (t.ptrdata() == 0) {
            return;
        }
        GoType u = t.underlying();
        if (t.size() == PTR) {
            ptr(offset / PTR); // pointers, maps, chans, funcs, unsafe.Pointer, and one-word structs and arrays of them
        } else if (u instanceof GoType.Interface) {
            ptr(offset / PTR + 1); // the type or itab word is not a heap pointer
        } else if (u instanceof GoType.Basic || u instanceof GoType.Slice) {
            ptr(offset / PTR); // a string's or a slice's data word
        } else if (u instanceof GoType.Array a) {
            long count = a.len();
            GoType elem = a.elem();
            while (elem.underlying() instanceof GoType.Array inner) {
                count = Math.multiplyExact(count, inner.len());
                elem = inner.elem();
            }
            long elemWords = elem.size() / PTR;
            if (count <= 1 || count * elemWords <= REPEAT_MIN_WORDS) {
                for (long i = 0; i < count; i++) {
                    emit(elem, offset + i * elem.size());
                }
                return;
            }
            emit(elem, offset);
            zeroUntil((offset + elem.size()) / PTR);
            repeat(elemWords, count - 1);
        } else if (u instanceof GoType.Struct st) {
            for (int i = 0; i < st.fields().size(); i++) {
                emit(st.fields().get(i).type(), offset + st.offset(i));
            }
        } else {
            throw new IllegalStateException("GC program of " + t.string() + ": unexpected kind");
        }
    }

    /** A 1 bit at word {@code word}, zeros before it. */
    private void ptr(long word) {
        zeroUntil(word);
        lit(1);
    }

    /** Zero bits up to (not including) word {@code word}. */
    private void zeroUntil(long word) {
        long skip = word - index;
        if (skip < 0) {
            throw new IllegalStateException("GC program of " + root.string() + ": word " + word + " after word " + index);
        }
        if (skip < REPEAT_MIN_WORDS) {
            for (long i = 0; i < skip; i++) {
                lit(0);
            }
            return;
        }
        lit(0);
        flush();
        repeat(1, skip - 1);
    }

    /** Repeats the last {@code n} bits {@code c} times. */
    private void repeat(long n, long c) {
        if (n == 0 || c == 0) {
            return;
        }
        flush();
        if (n < 128) {
            out.write(0x80 | (int) n);
        } else {
            out.write(0x80);
            varint(n);
        }
        varint(c);
        index = Math.addExact(index, Math.multiplyExact(n, c));
    }

    private void lit(int bit) {
        if (nlits == MAX_LITERAL) {
            flush();
        }
        lits[nlits++] = (byte) bit;
        index++;
    }

    /** Writes the pending literal bits as one instruction. */
    private void flush() {
        if (nlits == 0) {
            return;
        }
        out.write(nlits);
        int bits = 0;
        for (int i = 0; i < nlits; i++) {
            bits |= lits[i] << (i % 8);
            if (i % 8 == 7) {
                out.write(bits);
                bits = 0;
            }
        }
        if (nlits % 8 != 0) {
            out.write(bits);
        }
        nlits = 0;
    }

    private void varint(long v) {
        while (v >= 0x80) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
