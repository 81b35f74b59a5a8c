package io.ggmljava.core;

/** An op or conversion was asked for a tensor type it does not handle. */
public class UnsupportedTypeException extends GgmlException {
    private static final long serialVersionUID = 1L;

    public UnsupportedTypeException(String message) {
        super(message);
    }
}
