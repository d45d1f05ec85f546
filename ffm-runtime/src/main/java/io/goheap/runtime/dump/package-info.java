/**
 * Writing a simulated runtime's address space as an ELF core ({@link io.goheap.runtime.dump.DumpWriter}),
 * and reading a live runtime through the inspector's code ({@link io.goheap.runtime.dump.LiveImage}):
 * the bridge between the simulator and {@code io.goheap.runtime.inspect}, which knows nothing of the
 * simulator. The counterpart of gcore and viewcore.
 */
package io.goheap.runtime.dump;
