package io.goheap.runtime.cli;

import java.io.PrintWriter;

/**
 * A progress bar on stderr for work that takes more than a second: nothing is printed for quick work.
 * The worker calls {@link #update}; a daemon thread draws every 200 ms once a second has passed, and
 * {@link #close} erases the bar. {@code done}, {@code total} and {@code phase} are volatile: the
 * drawing thread only needs each value eventually, not in step with the others.
 */
final class Progress implements AutoCloseable {
    private static final long DELAY_NANOS = 1_000_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final long start = System.nanoTime();
    private final Thread drawer;
    private volatile String phase;
    private volatile long done;
    private volatile long total;
    private volatile boolean closed;
    private boolean drawn;

    Progress(PrintWriter err, String phase) {
        this.err = err;
        this.phase = phase;
        this.drawer = Thread.ofPlatform().daemon().name("goheap-progress").start(this::loop);
    }

    /** Now doing {@code phase}: {@code done} of {@code total} (total 0: unknown). */
    void update(String phase, long done, long total) {
        this.phase = phase;
        this.done = done;
        this.total = total;
    }

    private void loop() {
        try {
            while (!closed) {
                Thread.sleep(200);
                if (!closed && System.nanoTime() - start > DELAY_NANOS) {
                    draw();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void draw() {
        if (closed) {
            return;
        }
        long t = total;
        long d = Math.min(done, t);
        String bar;
        if (t > 0) {
            int filled = (int) (WIDTH * d / t);
            bar = "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + (100 * d / t) + "%";
        } else {
            bar = done + " done";
        }
        err.print("\rgoheap: " + phase + " " + bar + "   ");
        err.flush();
        drawn = true;
    }

    @Override
    public void close() {
        closed = true;
        drawer.interrupt();
        synchronized (this) {
            if (drawn) {
                err.print("\r" + " ".repeat(80) + "\r");
                err.flush();
            }
        }
    }
}
