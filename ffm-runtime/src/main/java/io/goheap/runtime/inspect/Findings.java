package io.goheap.runtime.inspect;

import java.util.ArrayList;
import java.util.List;

/**
 * What an inspection found inconsistent or could not locate: kept up to {@link #MAX} (a hostile file
 * can make every one of millions of pointers a finding), counted past that. Filled by the one thread
 * reading an image.
 */
final class Findings {
    /** Most findings kept: past this, only their number grows. */
    static final int MAX = 1000;

    private final List<String> kept = new ArrayList<>();
    private int dropped;

    void add(String f) {
        if (kept.size() < MAX) {
            kept.add(f);
        } else {
            dropped++;
        }
    }

    /** The findings kept, then a line with the number of those that were not. */
    List<String> list() {
        List<String> out = new ArrayList<>(kept);
        if (dropped > 0) {
            out.add(dropped + " more findings not listed");
        }
        return out;
    }
}
