package io.ggmljava.alloc;

import io.ggmljava.core.GgmlException;

/** Memory could not be planned or allocated; the message names the tensor, buffer or rule involved. */
public class AllocationException extends GgmlException {
    private static final long serialVersionUID = 1L;

    public AllocationException(String message) {
        super(message);
    }

    public AllocationException(String message, Throwable cause) {
        super(message, cause);
    }
}
