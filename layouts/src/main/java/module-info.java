/**
 * jextract output for native/include/goheap: the Go 1.19 linux/amd64 runtime structs
 * ({@code io.goheap.layouts.go119}), the libc mmap family ({@code io.goheap.layouts.libc}) and the
 * ELF64 headers of {@code <elf.h>} ({@code io.goheap.layouts.elf}).
 * Regenerate with native/jextract.sh; never edit the packages by hand. This file is the one
 * hand-written file of the module.
 */
module io.goheap.layouts {
    exports io.goheap.layouts.go119;
    exports io.goheap.layouts.libc;
    exports io.goheap.layouts.elf;
}
