package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.ArenaKind;
import io.ggmljava.alloc.BufferType;
import io.ggmljava.alloc.BufferTypes;

/** The buffer type contract for arena buffers ({@link ArenaKind#SHARED}). */
class ArenaSharedBufferTypeProperties implements BufferTypeContract {
    @Override
    public BufferType bufferType() {
        return BufferTypes.arena(ArenaKind.SHARED);
    }
}
