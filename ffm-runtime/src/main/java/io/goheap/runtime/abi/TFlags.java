package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;

/**
 * The bits of {@code _type.tflag} (Go 1.19's {@code runtime/type.go}), from the jextract constants of
 * the Go 1.19 header. These four have the same values in every release goheap holds (go1_N_amd64.h:
 * "abi.TFlag: 1 Uncommon, 2 ExtraStar, 4 Named, 8 RegularMemory"); later releases add bits above them.
 *
 * <pre>
 *   tflag   7 .. 4          3                2            1              0
 *          +---------------+----------------+------------+--------------+------------+
 *          | (later ones)  | RegularMemory  | Named      | ExtraStar    | Uncommon   |
 *          +---------------+----------------+------------+--------------+------------+
 * </pre>
 */
public final class TFlags {
    /** {@code tflagUncommon}: an {@code uncommontype} follows the kind-specific struct. */
    public static final int UNCOMMON = Go119.GO_TFLAG_UNCOMMON();
    /** {@code tflagExtraStar}: the name in {@code str} has a leading {@code *} to drop. */
    public static final int EXTRA_STAR = Go119.GO_TFLAG_EXTRA_STAR();
    /** {@code tflagNamed}: the type has a name. */
    public static final int NAMED = Go119.GO_TFLAG_NAMED();
    /** {@code tflagRegularMemory}: equal and hash may treat the value as plain bytes. */
    public static final int REGULAR_MEMORY = Go119.GO_TFLAG_REGULAR_MEMORY();

    private TFlags() {
    }
}
