/**
 * The operating-system memory layer of the simulated Go runtime: Go 1.19's {@code mem_linux.go} and
 * {@code mstats.go} over real {@code mmap} calls.
 *
 * <h2 id="calls">System calls</h2>
 * {@link io.goheap.runtime.sys.Mman} calls {@code mmap}, {@code munmap}, {@code mprotect} and
 * {@code madvise} through the jextract bindings of {@code io.goheap.layouts.libc}, with
 * {@code errno} captured by {@link java.lang.foreign.Linker.Option#captureCallState}; a failure is a
 * {@link io.goheap.runtime.sys.SyscallException} naming the call, its arguments and the errno name.
 *
 * <h2 id="ownership">Ownership</h2>
 * Every mapping belongs to one {@link io.goheap.runtime.sys.SysMemory}, inside the address space it
 * reserved up front (a heap space at Go's arena hint, an OS space for {@code sysAlloc}); its bytes are
 * read and written by address through {@link io.goheap.runtime.sys.SysMemory#memory()} (see
 * {@link io.goheap.runtime.mem}). Memory is taken away only after the shared arenas of every segment over
 * it are closed: after {@code sysFree} or {@link io.goheap.runtime.sys.SysMemory#close()} every access
 * throws (a {@link io.goheap.runtime.mem.BadAddressException} or an {@link java.lang.IllegalStateException}),
 * also when the change races with the access (the JDK's shared-arena close handshakes with every thread
 * before the kernel call).
 *
 * <h2 id="naming">Naming</h2>
 * Methods keep Go's names ({@code sysAlloc}, {@code sysMap}, ...) so the code reads next to the Go
 * source. Atomic accessors are named by access mode elsewhere in goheap ({@code getAcquire},
 * {@code setRelease}, {@code compareAndSet}); this package has only plain atomics on counters.
 */
package io.goheap.runtime.sys;
