package io.goheap.runtime.abi;

import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.mem.BadAddressException;

/**
 * The address ranges of one Go module that offsets resolve against ({@code moduledata.types/etypes},
 * {@code text/etext}), the address space holding it and the release it was built by: what
 * {@code resolveNameOff}, {@code resolveTypeOff} and {@code textOff} need (runtime/type.go), and what
 * the views need to know of the release ({@link Abi#mapTypeSize()}).
 *
 * @param space the memory holding the module
 * @param abi   the release's layouts and rules
 * @param types  {@code moduledata.types}
 * @param etypes {@code moduledata.etypes}
 * @param text   {@code moduledata.text}
 * @param etext  {@code moduledata.etext}
 */
public record Module(GoMemory space, Abi abi, long types, long etypes, long text, long etext) {
    /** The module of a Go 1.19 program (goheap's own simulation). */
    public Module(GoMemory space, long types, long etypes, long text, long etext) {
        this(space, Abi.of(new GoRelease(19)), types, etypes, text, etext);
    }

    /**
     * {@code resolveNameOff}: the name at {@code types + off}; 0 means "no name".
     *
     * @throws BadAddressException if the offset leaves {@code [types, etypes)} (Go throws "nameOff out of range")
     */
    public NameView name(int off) {
        if (off == 0) {
            return null;
        }
        return new NameView(space, inTypes(off, "nameOff"));
    }

    /** {@code resolveTypeOff}: the type at {@code types + off}; 0 (or Go's -1) means "none". */
    public TypeView type(int off) {
        if (off == 0 || off == -1) {
            return null;
        }
        return new TypeView(this, inTypes(off, "typeOff"));
    }

    /** Whether {@code a} lies in the module's type data {@code [types, etypes)}, unsigned. */
    public boolean inTypes(long a) {
        return Long.compareUnsigned(a, types) >= 0 && Long.compareUnsigned(a, etypes) < 0;
    }

    /** A type by its address. */
    public TypeView typeAt(long addr) {
        return addr == 0 ? null : new TypeView(this, addr);
    }

    /**
     * {@code textOff}: the code address {@code text + off}; -1 is Go's "unreachable method" and gives 0.
     *
     * @throws BadAddressException if the result leaves {@code [text, etext)}
     */
    public long textAddr(int off) {
        if (off == -1) {
            return 0;
        }
        long a = text + Integer.toUnsignedLong(off);
        if (Long.compareUnsigned(a, etext) >= 0) {
            throw new BadAddressException(a, 0, "text of " + space.describe() + " (textOff " + off + " out of range)");
        }
        return a;
    }

    private long inTypes(int off, String what) {
        long a = types + Integer.toUnsignedLong(off);
        if (Long.compareUnsigned(a, etypes) >= 0) {
            throw new BadAddressException(a, 0, "types of " + space.describe() + " (" + what + " " + off + " out of range)");
        }
        return a;
    }
}
