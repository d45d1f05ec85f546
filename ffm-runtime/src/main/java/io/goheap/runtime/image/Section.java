package io.goheap.runtime.image;

import io.goheap.runtime.abi.Abi;

import java.util.ArrayList;
import java.util.List;

/**
 * The sections of a Go linux/amd64 executable that goheap maps, in the linker's order. Each is one
 * {@code sysAlloc} region of the simulated image, mapped read-write while the image is laid out. Every
 * release has the six of Go 1.19; {@link #GO_TYPE} (Go 1.27) and {@link #GO_MODULE} (Go 1.26 on) exist
 * only in the releases that have them ({@link #of(Abi)}).
 */
public enum Section {
    /** {@code .text} (64 MiB). */
    TEXT(".text", 64 << 20),
    /** {@code .rodata} (64 MiB). */
    RODATA(".rodata", 64 << 20),
    /**
     * {@code .go.type} (64 MiB), Go 1.27: exactly {@code [runtime.types, runtime.etypes)}: the type
     * descriptors, their name data and the static itabs, which earlier releases keep in {@code .rodata}.
     */
    GO_TYPE(".go.type", 64 << 20),
    /** {@code .go.module} (one page), Go 1.26 on: {@code runtime.firstmoduledata} alone. */
    GO_MODULE(".go.module", 4 << 10),
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

    /** The sections a program of {@code abi}'s release has, in order. */
    public static List<Section> of(Abi abi) {
        List<Section> out = new ArrayList<>();
        for (Section s : values()) {
            if ((s != GO_TYPE || abi.hasTypeRegion()) && (s != GO_MODULE || abi.moduledataSection() != null)) {
                out.add(s);
            }
        }
        return List.copyOf(out);
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
