package io.ggmljava.ops.scalar.quant;

/**
 * The scale searches behind ggml's quantizers ({@code ggml-quants.c}): for a group of values find a scale (and for
 * the "k" variants a minimum) and the integer levels {@code L} that minimise a weighted squared or absolute error.
 *
 * <p>Bit-exactness notes, valid for every method here: all arithmetic is f32 in C's evaluation order (ggml builds
 * this file without FMA, so no contraction); {@code int * float} converts the int first; level arrays that are
 * {@code uint8_t} in C store {@code v & 0xFF}, since some searches read back the truncated value. Arrays are passed
 * with explicit offsets ({@code x[xo + i]} is C's {@code x[i]}).
 */
public final class QuantSearch {
    /** Groups whose largest magnitude is below this quantize to all-zero levels. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private QuantSearch() {
    }

    /**
     * ggml's {@code nearest_int}: adds 1.5 * 2^23 so that the f32 adder rounds to an integer (ties to even), then
     * reads the integer from the mantissa bits. Valid for {@code |v| <= 4194303}.
     */
    public static int nearestInt(float v) {
        float biased = v + 12582912f;
        return (Float.floatToRawIntBits(biased) & 0x007fffff) - 0x00400000;
    }

    /** The weight of element {@code x} for ggml's {@code rmse_type} (1: x², 2: 1, 3: |x|, else sqrt|x|). */
    private static float rmseWeight(int rmseType, float x) {
        return switch (rmseType) {
            case 1 -> x * x;
            case 2 -> 1;
            case 3 -> Math.abs(x);
            default -> (float) Math.sqrt(Math.abs(x));
        };
    }

    /**
     * {@code make_qx_quants}: symmetric levels {@code L = l + nmax} with {@code l in [-nmax, nmax-1]} for the
     * {@code n} values at {@code x[xo..]}; returns the scale. {@code qw} (may be null) replaces the rmse weights.
     * {@code rmseType} 0 takes the first guess, a negative type averages the guess with its least-squares fit, a
     * positive one also tries 18 nearby scales.
     */
    public static float makeQxQuants(int n, int nmax, float[] x, int xo, int[] L, int lo, int rmseType,
                                     float[] qw, int qwo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) { // all zero
            for (int i = 0; i < n; ++i) {
                L[lo + i] = 0;
            }
            return 0f;
        }
        float iscale = -nmax / max;
        if (rmseType == 0) {
            for (int i = 0; i < n; ++i) {
                int l = nearestInt(iscale * x[xo + i]);
                L[lo + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
            }
            return 1 / iscale;
        }
        boolean returnEarly = false;
        if (rmseType < 0) {
            rmseType = -rmseType;
            returnEarly = true;
        }
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xo + i];
            int l = nearestInt(iscale * xi);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            L[lo + i] = l + nmax;
            float w = qw != null ? qw[qwo + i] : rmseWeight(rmseType, xi);
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        if (returnEarly) {
            return suml2 > 0 ? 0.5f * (scale + 1 / iscale) : 1 / iscale;
        }
        float best = scale * sumlx;
        for (int is = -9; is <= 9; ++is) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xo + i];
                int l = nearestInt(iscale * xi);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                float w = qw != null ? qw[qwo + i] : rmseWeight(rmseType, xi);
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; ++i) {
                    int l = nearestInt(iscale * x[xo + i]);
                    L[lo + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /**
     * {@code make_q3_quants}: like {@link #makeQxQuants} with x² weights, refined (when {@code doRmse}) by up to
     * five passes that move single levels while the weighted fit improves. Levels are {@code l + nmax}.
     */
    public static float makeQ3Quants(int n, int nmax, float[] x, int xo, int[] L, int lo, boolean doRmse) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) { // all zero
            for (int i = 0; i < n; ++i) {
                L[lo + i] = 0;
            }
            return 0f;
        }
        float iscale = -nmax / max;
        if (doRmse) {
            float sumlx = 0;
            float suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xo + i];
                int l = nearestInt(iscale * xi);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                L[lo + i] = l;
                float w = xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            for (int itry = 0; itry < 5; ++itry) {
                int nChanged = 0;
                for (int i = 0; i < n; ++i) {
                    float xi = x[xo + i];
                    float w = xi * xi;
                    float slx = sumlx - w * xi * L[lo + i];
                    if (slx > 0) {
                        float sl2 = suml2 - w * L[lo + i] * L[lo + i];
                        int newL = nearestInt(xi * sl2 / slx);
                        newL = Math.max(-nmax, Math.min(nmax - 1, newL));
                        if (newL != L[lo + i]) {
                            slx += w * xi * newL;
                            sl2 += w * newL * newL;
                            if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                                L[lo + i] = newL;
                                sumlx = slx;
                                suml2 = sl2;
                                ++nChanged;
                            }
                        }
                    }
                }
                if (nChanged == 0) {
                    break;
                }
            }
            for (int i = 0; i < n; ++i) {
                L[lo + i] += nmax;
            }
            return sumlx / suml2;
        }
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * x[xo + i]);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            L[lo + i] = l + nmax;
        }
        return 1 / iscale;
    }

    /**
     * {@code make_qkx2_quants}: asymmetric levels {@code 0..nmax} with a non-positive minimum, searching
     * {@code nstep + 1} scales {@code (rmin + rdelta*is + nmax)/(max - min)} for the least weighted error (absolute
     * if {@code useMad}). Returns the scale; stores {@code -min} in {@code theMin[tmo]}.
     */
    public static float makeQkx2Quants(int n, int nmax, float[] x, int xo, float[] weights, int wo, int[] L, int lo,
                                       float[] theMin, int tmo, int[] laux, float rmin, float rdelta, int nstep,
                                       boolean useMad) {
        float min = x[xo];
        float max = x[xo];
        float sumW = weights[wo];
        float sumX = sumW * x[xo];
        for (int i = 1; i < n; ++i) {
            float xi = x[xo + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights[wo + i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            for (int i = 0; i < n; ++i) {
                L[lo + i] = 0;
            }
            theMin[tmo] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestMad = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * (x[xo + i] - min));
            L[lo + i] = Math.max(0, Math.min(nmax, l));
            float diff = scale * L[lo + i] + min - x[xo + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestMad += weights[wo + i] * diff;
        }
        if (nstep < 1) {
            theMin[tmo] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; ++is) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXl = 0;
            for (int i = 0; i < n; ++i) {
                int l = nearestInt(iscale * (x[xo + i] - min));
                l = Math.max(0, Math.min(nmax, l));
                laux[i] = l;
                float w = weights[wo + i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXl += w * l * x[xo + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXl - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXl) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float mad = 0;
                for (int i = 0; i < n; ++i) {
                    float diff = thisScale * laux[i] + thisMin - x[xo + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    mad += weights[wo + i] * diff;
                }
                if (mad < bestMad) {
                    System.arraycopy(laux, 0, L, lo, n);
                    bestMad = mad;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[tmo] = -min;
        return scale;
    }

    /**
     * {@code make_qkx3_quants}: {@link #makeQkx2Quants} with x² weights when {@code weights} is null and a
     * {@code max <= min} test for the degenerate group.
     */
    public static float makeQkx3Quants(int n, int nmax, float[] x, int xo, float[] weights, int wo, int[] L, int lo,
                                       float[] theMin, int tmo, int[] laux, float rmin, float rdelta, int nstep,
                                       boolean useMad) {
        float min = x[xo];
        float max = x[xo];
        float sumW = weights != null ? weights[wo] : x[xo] * x[xo];
        float sumX = sumW * x[xo];
        for (int i = 1; i < n; ++i) {
            float xi = x[xo + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights != null ? weights[wo + i] : xi * xi;
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max <= min) {
            for (int i = 0; i < n; ++i) {
                L[lo + i] = 0;
            }
            theMin[tmo] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestMad = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xo + i];
            int l = nearestInt(iscale * (xi - min));
            L[lo + i] = Math.max(0, Math.min(nmax, l));
            float diff = scale * L[lo + i] + min - xi;
            diff = useMad ? Math.abs(diff) : diff * diff;
            float w = weights != null ? weights[wo + i] : xi * xi;
            bestMad += w * diff;
        }
        if (nstep < 1) {
            theMin[tmo] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; ++is) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXl = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xo + i];
                int l = nearestInt(iscale * (xi - min));
                l = Math.max(0, Math.min(nmax, l));
                laux[i] = l;
                float w = weights != null ? weights[wo + i] : xi * xi;
                sumL += w * l;
                sumL2 += w * l * l;
                sumXl += w * l * xi;
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXl - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXl) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float mad = 0;
                for (int i = 0; i < n; ++i) {
                    float xi = x[xo + i];
                    float diff = thisScale * laux[i] + thisMin - xi;
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    float w = weights != null ? weights[wo + i] : xi * xi;
                    mad += w * diff;
                }
                if (mad < bestMad) {
                    System.arraycopy(laux, 0, L, lo, n);
                    bestMad = mad;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[tmo] = -min;
        return scale;
    }

    /**
     * {@code make_qp_quants}: non-negative levels {@code 0..nmax} for non-negative values (the sub-block scales of
     * the k-quants' imatrix paths), weighted by {@code qw}; returns the scale. {@code L} holds the levels as C's
     * {@code uint8_t} would ({@code & 0xFF}), which the refinement reads back.
     */
    public static float makeQpQuants(int n, int nmax, float[] x, int[] L, float[] qw) {
        float max = 0;
        for (int i = 0; i < n; ++i) {
            max = max > x[i] ? max : x[i];
        }
        if (max == 0) { // all zero
            for (int i = 0; i < n; ++i) {
                L[i] = 0;
            }
            return 0f;
        }
        float iscale = nmax / max;
        for (int i = 0; i < n; ++i) {
            L[i] = nearestInt(iscale * x[i]) & 0xFF;
        }
        float scale = 1 / iscale;
        float bestMse = 0;
        for (int i = 0; i < n; ++i) {
            float diff = x[i] - scale * L[i];
            bestMse += qw[i] * diff * diff;
        }
        for (int is = -4; is <= 4; ++is) {
            if (is == 0) {
                continue;
            }
            float iscaleIs = (0.1f * is + nmax) / max;
            float scaleIs = 1 / iscaleIs;
            float mse = 0;
            for (int i = 0; i < n; ++i) {
                int l = nearestInt(iscaleIs * x[i]);
                l = Math.min(nmax, l);
                float diff = x[i] - scaleIs * l;
                mse += qw[i] * diff * diff;
            }
            if (mse < bestMse) {
                bestMse = mse;
                iscale = iscaleIs;
            }
        }
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * x[i]);
            l = Math.min(nmax, l);
            L[i] = l & 0xFF;
            float w = qw[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        for (int itry = 0; itry < 5; ++itry) {
            int nChanged = 0;
            for (int i = 0; i < n; ++i) {
                float w = qw[i];
                float slx = sumlx - w * x[i] * L[i];
                float sl2 = suml2 - w * L[i] * L[i];
                if (slx > 0 && sl2 > 0) {
                    int newL = nearestInt(x[i] * sl2 / slx);
                    newL = Math.min(nmax, newL);
                    if (newL != L[i]) {
                        slx += w * x[i] * newL;
                        sl2 += w * newL * newL;
                        if (slx * slx * suml2 > sumlx * sumlx * sl2) {
                            L[i] = newL & 0xFF;
                            sumlx = slx;
                            suml2 = sl2;
                            ++nChanged;
                        }
                    }
                }
            }
            if (nChanged == 0) {
                break;
            }
        }
        return sumlx / suml2;
    }
}
