package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.ArenaKind;
import io.ggmljava.alloc.BufferType;
import io.ggmljava.alloc.BufferTypes;

/** The buffer type contract for an arena type with 64-byte alignment and buffers of at most 1 MiB. */
class BoundedArenaBufferTypeProperties implements BufferTypeContract {
    private static final BufferType TYPE = BufferTypes.arena(ArenaKind.SHARED, 64, 1 << 20);

    @Override
    public BufferType bufferType() {
        return TYPE;
    }
}
