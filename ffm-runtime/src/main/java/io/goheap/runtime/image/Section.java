package io.goheap.runtime.image;

/**
 * The sections of a Go 1.19 linux/amd64 executable that goheap maps, in the linker's order. Each is
 * one {@code sysAlloc} region of the simulated image, mapped read-write while the image is laid out.
 */
public enum Section {
    /** {@code .text} (64 MiB). */
    TEXT(".text", 64 << 20),
    /** {@code .rodata} (64 MiB). */
    RODATA(".rodata", 64 << 20),
    /** {@code .noptrdata} (1 MiB). */
    NOPTRDATA(".noptrdata", 1 << 20),
    /** {@code .data} (1 MiB). */
    DATA(".data", 1 << 20),
    /** {@code .bss} (1 MiB). */
    BSS(".bss", 1 << 20),
    /** {@code .noptrbss} (1 MiB). */
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
