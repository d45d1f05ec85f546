/**
 * jextract output for native/include/goheap: the linux/amd64 runtime structs of each Go release
 * goheap builds, one package per release header ({@code io.goheap.layouts.go119} from go1_19_amd64.h,
 * {@code io.goheap.layouts.go121} to {@code io.goheap.layouts.go127} from go1_21_amd64.h to
 * go1_27_amd64.h), the libc mmap family ({@code io.goheap.layouts.libc}) and the
 * ELF64 headers of {@code <elf.h>} ({@code io.goheap.layouts.elf}).
 * Regenerate with native/jextract.sh; never edit the packages by hand. This file is the one
 * hand-written file of the module.
 */
module io.goheap.layouts {
    exports io.goheap.layouts.go119;
    exports io.goheap.layouts.go121;
    exports io.goheap.layouts.go122;
    exports io.goheap.layouts.go123;
    exports io.goheap.layouts.go124;
    exports io.goheap.layouts.go125;
    exports io.goheap.layouts.go126;
    exports io.goheap.layouts.go127;
    exports io.goheap.layouts.libc;
    exports io.goheap.layouts.elf;
}
