package io.ggmljava.ops;

/** Geometry records of the convolution, pooling and resampling kernels (sizes in elements, strides in bytes). */
public final class ConvSpecs {
    private ConvSpecs() {
    }

    /**
     * One IM2COL: a patch for output position {@code (oh, ow)} holds {@code ic*kh*kw} values, element
     * {@code (c*kh + y)*kw + x} = input {@code (c, oh*s1 + y*d1 - p1, ow*s0 + x*d0 - p0)} or 0 outside the image.
     * Input strides: {@code nbW} between columns, {@code nbH} between rows, {@code nbC} between channels.
     */
    public record Im2col(int ic, int kh, int kw, long ih, long iw, int s0, int s1, int p0, int p1, int d0, int d1,
                         long nbW, long nbH, long nbC) {
        /** Elements of one patch. */
        public int patchSize() {
            return ic * kh * kw;
        }
    }

    /**
     * One POOL_2D plane: output {@code (ox, oy)} reduces input {@code (ox*s0 - p0 + x, oy*s1 - p1 + y)} for
     * {@code x < k0, y < k1}; taps outside the input are skipped (max) or count as 0 (avg divides by
     * {@code k0*k1}).
     *
     * @param avg true for average pooling, false for max
     * @param f16 true if the input is f16 (else f32)
     */
    public record Pool2d(boolean avg, boolean f16, int k0, int k1, int s0, int s1, int p0, int p1, long iw, long ih,
                         long ow, long oh) {
    }
}
