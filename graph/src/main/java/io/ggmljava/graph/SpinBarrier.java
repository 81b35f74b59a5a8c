package io.ggmljava.graph;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The barrier kernels call between phases of one node ({@link io.ggmljava.ops.ComputeParams#barrier()}): a
 * sense-counting spin barrier for the node's {@code parties} threads. Waits are short (the other threads are busy
 * on the same node), so it spins, then yields; it never parks. When a thread of the node fails, the barrier is
 * broken and every waiter leaves with {@link Broken}, so no thread is left waiting for one that is gone.
 */
final class SpinBarrier {
    /** Spins before a waiter starts yielding its core (a shared machine has other work to run). */
    private static final int SPINS_BEFORE_YIELD = 1 << 12;

    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int generation;
    private volatile boolean broken;

    /** Waits until {@code parties} threads have arrived. */
    void await(int parties) {
        if (parties <= 1) {
            return;
        }
        if (broken) {
            throw new Broken();
        }
        int g = generation;
        if (arrived.incrementAndGet() == parties) {
            arrived.set(0);
            generation = g + 1; // releases the waiters; the reset above happens-before their next arrival
            return;
        }
        int spins = 0;
        while (generation == g) {
            if (broken) {
                throw new Broken();
            }
            if (++spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Releases every waiter with {@link Broken}, now and until {@link #reset()}. */
    void breakBarrier() {
        broken = true;
    }

    /** Makes the barrier usable again; only when no thread is inside it. */
    void reset() {
        arrived.set(0);
        generation = generation + 1;
        broken = false;
    }

    /** Thrown to the waiters of a broken barrier: another thread of the node failed. */
    static final class Broken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Broken() {
            super("another thread of this node failed", null, false, false);
        }
    }
}
