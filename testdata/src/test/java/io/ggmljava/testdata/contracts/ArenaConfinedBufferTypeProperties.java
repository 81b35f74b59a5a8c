package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.ArenaKind;
import io.ggmljava.alloc.BufferType;
import io.ggmljava.alloc.BufferTypes;

/** The buffer type contract for arena buffers ({@link ArenaKind#CONFINED}). */
class ArenaConfinedBufferTypeProperties implements BufferTypeContract {
    @Override
    public BufferType bufferType() {
        return BufferTypes.arena(ArenaKind.CONFINED);
    }
}
