/**
 * Go's ABI as data, and the only package that imports a release's jextract classes
 * ({@code io.goheap.layouts.go1N}): one release's layouts as a value ({@link io.goheap.runtime.abi.Abi},
 * which the readers and the simulator are given), the Go 1.19 struct registry built from the jextract
 * layouts ({@link io.goheap.runtime.abi.GoStructs}), one descriptor class per struct that no release
 * changed, holding its offsets and checks as constants (taken from {@code io.goheap.layouts.go119},
 * never typed by hand), {@link io.goheap.runtime.abi.PDescriptor} for the {@code runtime.p} of a given
 * release, Go's constants ({@link io.goheap.runtime.abi.Kinds}, {@link io.goheap.runtime.abi.TFlags},
 * {@link io.goheap.runtime.abi.MallocConstants}), the {@code name} encoding and the compiler's type hash.
 */
package io.goheap.runtime.abi;
