package io.ggmljava.core;

/** An op's shape rule was broken, e.g. {@code mulMat: a.ne0 (4) must equal b.ne0 (5); a=[4,3,1,1] f32, ...}. */
public class ShapeException extends GgmlException {
    private static final long serialVersionUID = 1L;

    public ShapeException(String message) {
        super(message);
    }
}
