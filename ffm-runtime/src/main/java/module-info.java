/**
 * goheap's simulator of the Go 1.19 runtime in native memory: the OS memory layer
 * ({@link io.goheap.runtime.sys}), the memory layer that reads and writes Go memory by address
 * ({@link io.goheap.runtime.mem}), typed views of Go structs ({@link io.goheap.runtime.abi}), the
 * {@link io.goheap.runtime.GoRuntime} entry point and the {@code goheap} command line.
 */
module io.goheap.runtime {
    requires io.goheap.layouts;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires java.desktop;

    exports io.goheap.runtime;
    exports io.goheap.runtime.sys;
    exports io.goheap.runtime.mem;
    exports io.goheap.runtime.abi;
    exports io.goheap.runtime.cli;
    exports io.goheap.runtime.alloc;
    exports io.goheap.runtime.image;
    exports io.goheap.runtime.iface;
    exports io.goheap.runtime.types;
    exports io.goheap.runtime.gosrc;
    exports io.goheap.runtime.elf;
    exports io.goheap.runtime.inspect;
    exports io.goheap.runtime.dump;
    opens io.goheap.runtime.cli to info.picocli;
}
