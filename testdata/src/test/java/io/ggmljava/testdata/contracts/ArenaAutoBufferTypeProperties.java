package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.ArenaKind;
import io.ggmljava.alloc.BufferType;
import io.ggmljava.alloc.BufferTypes;

/** The buffer type contract for arena buffers ({@link ArenaKind#AUTO}). */
class ArenaAutoBufferTypeProperties implements BufferTypeContract {
    @Override
    public BufferType bufferType() {
        return BufferTypes.arena(ArenaKind.AUTO);
    }

    @Override
    public boolean releasesOnClose() {
        return false; // an automatic arena is freed by the garbage collector
    }
}
