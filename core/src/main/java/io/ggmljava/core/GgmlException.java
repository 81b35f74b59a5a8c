package io.ggmljava.core;

/** Base of the exceptions this library throws for misuse or bad input; the message names what was wrong. */
public class GgmlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GgmlException(String message) {
        super(message);
    }

    public GgmlException(String message, Throwable cause) {
        super(message, cause);
    }
}
