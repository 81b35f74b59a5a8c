package io.ggmljava.alloc;

import java.lang.foreign.Arena;

/** Which {@link Arena} an Arena-backed buffer uses. */
public enum ArenaKind {
    /** {@link Arena#ofConfined()}: only the allocating thread may touch the memory (single-threaded use). */
    CONFINED,
    /** {@link Arena#ofShared()}: any thread may touch it (the multi-threaded executor needs this); closed by hand. */
    SHARED,
    /** {@link Arena#ofAuto()}: any thread; freed by the garbage collector once unreachable; close is a no-op. */
    AUTO;

    /** A new arena of this kind. */
    public Arena newArena() {
        return switch (this) {
            case CONFINED -> Arena.ofConfined();
            case SHARED -> Arena.ofShared();
            case AUTO -> Arena.ofAuto();
        };
    }
}
