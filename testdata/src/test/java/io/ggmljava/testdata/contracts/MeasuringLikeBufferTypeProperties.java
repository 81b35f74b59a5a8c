package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.ArenaKind;
import io.ggmljava.alloc.BufferType;
import io.ggmljava.alloc.BufferTypes;

/** The buffer type contract for a measuring type that mirrors another type (64-byte alignment, 1 MiB buffers). */
class MeasuringLikeBufferTypeProperties implements BufferTypeContract {
    private static final BufferType TYPE = BufferTypes.measuring(BufferTypes.arena(ArenaKind.SHARED, 64, 1 << 20));

    @Override
    public BufferType bufferType() {
        return TYPE;
    }
}
