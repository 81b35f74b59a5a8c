package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.BufferType;
import io.ggmljava.alloc.BufferTypes;

/** The buffer type contract for the measuring type (sizes only, no memory). */
class MeasuringBufferTypeProperties implements BufferTypeContract {
    @Override
    public BufferType bufferType() {
        return BufferTypes.measuring();
    }
}
