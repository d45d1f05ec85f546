package io.goheap.runtime.image;

/**
 * The sections of a Go 1.19 linux/amd64 executable that goheap maps, in the linker's order. Each is
 * one {@code sysAlloc} region of the simulated image, mapped read-write while the image is laid out.
 */
public enum Section {
    TEXT(".text", 64 << 20),
    RODATA(".rodata", 64 << 20),
    NOPTRDATA(".noptrdata", 1 << 20),
    DATA(".data", 1 << 20),
    BSS(".bss", 1 << 20),
    NOPTRBSS(".noptrbss", 1 << 20);

    private final String elfName;
    private final long capacity;

    Section(String elfName, long capacity) {
        this.elfName = elfName;
        this.capacity = capacity;
    }

    /** The ELF section name, e.g. {@code .noptrbss}. */
    public String elfName() {
        return elfName;
    }

    /** Bytes of address space mapped for it (pages are touched only when written). */
    public long capacity() {
        return capacity;
    }
}
