/**
 * goheap: one simulated Go 1.19 linux/amd64 process in native memory that this JVM mapped itself.
 * {@link io.goheap.runtime.GoRuntime} is the one entry point; it owns every mapping and unmaps all of
 * them on close.
 *
 * <h2 id="properties">System properties</h2>
 * Every property goheap reads is listed in one table, in ffm-runtime/README.md's "System properties" section:
 * {@code goheap.debug} (the CLI prints stack traces), {@code goheap.space.heapBytes} and
 * {@code goheap.space.osBytes} (the address space a runtime reserves), and the test-only {@code goheap.native.dir},
 * {@code goheap.root}, {@code goheap.test.*} and {@code goheap.stress.*}.
 */
package io.goheap.runtime;
