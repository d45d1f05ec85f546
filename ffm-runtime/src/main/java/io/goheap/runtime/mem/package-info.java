/**
 * The one memory layer of goheap: Go memory read and written by address, bounds-checked, whatever holds
 * it. {@link io.goheap.runtime.mem.GoMemory} is the interface; {@link io.goheap.runtime.mem.LiveMemory}
 * is the memory of a running {@link io.goheap.runtime.GoRuntime} (its reserved address space, resolved
 * with arithmetic), {@link io.goheap.runtime.mem.FileMemory} the memory of a file (a goheap dump, a core,
 * an executable's sections: regions found by a binary search).
 *
 * <h2 id="modes">Access modes are in the method name</h2>
 * As in JCTools and Agrona, the name of an accessor says its memory-ordering mode, with the meanings of
 * {@link java.lang.invoke.VarHandle}'s modes:
 * <table class="striped">
 *   <caption>Accessor names</caption>
 *   <tr><th>name</th><th>mode</th><th>orders</th></tr>
 *   <tr><td>{@code u8 u16 u32 u64}, {@code setU8 ... setU64}</td><td>plain</td>
 *       <td>nothing beyond program order in this thread; a racing reader may see a stale value</td></tr>
 *   <tr><td>{@code u64Opaque}, {@code setU64Opaque}</td><td>opaque</td>
 *       <td>the access happens (is not hoisted out of a loop or merged), coherent per address; orders
 *       nothing else</td></tr>
 *   <tr><td>{@code u32Acquire u64Acquire}</td><td>acquire</td>
 *       <td>no later load or store of this thread moves before it: a reader that sees a value written
 *       by a release store (or CAS) also sees everything written before that store</td></tr>
 *   <tr><td>{@code setU32Release setU64Release}</td><td>release</td>
 *       <td>no earlier load or store of this thread moves after it</td></tr>
 *   <tr><td>{@code casU32 casU64}</td><td>volatile compare-and-set</td>
 *       <td>both acquire and release; a full fence on x86-64 ({@code lock cmpxchg})</td></tr>
 * </table>
 * Where the code calls a non-plain mode, a comment next to the call says what a reader that sees the
 * value also sees. Plain accessors are unaligned-tolerant (x86-64 little endian); the atomic ones need
 * natural alignment and throw {@link java.lang.IllegalArgumentException} otherwise.
 *
 * <h2 id="checks">Checks</h2>
 * Every access is checked against the memory the implementation knows: an address (or range) outside it
 * is a {@link io.goheap.runtime.mem.BadAddressException} naming the address, the length and the memory;
 * a write to read-only memory is a {@link io.goheap.runtime.mem.ReadOnlyMemoryException}. No access
 * can fault the JVM. Memory whose owner closed throws {@link java.lang.IllegalStateException}, also when
 * the close races with the access.
 */
package io.goheap.runtime.mem;
