package io.goheap.runtime.image;

/** One symbol of the image, named as Go 1.19's linker names it ({@code runtime.persistentChunks}). */
public record Symbol(String name, long address, long size, Section section) {
    /** One past the last byte. */
    public long end() {
        return address + size;
    }

    /** True when {@code addr} lies in {@code [address, end)}. */
    public boolean contains(long addr) {
        return addr - address >= 0 && addr - address < size;
    }

    @Override
    public String toString() {
        return String.format("%x %8d %-10s %s", address, size, section.elfName(), name);
    }
}
