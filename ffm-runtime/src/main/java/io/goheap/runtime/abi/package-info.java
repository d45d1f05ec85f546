/**
 * Go 1.19's ABI as data: the struct registry built from the jextract layouts ({@link
 * io.goheap.runtime.abi.GoStructs}), one descriptor class per struct holding its offsets and checks
 * (taken from {@code io.goheap.layouts.go119}, never typed by hand), the {@code name} encoding and
 * the compiler's type hash.
 */
package io.goheap.runtime.abi;
