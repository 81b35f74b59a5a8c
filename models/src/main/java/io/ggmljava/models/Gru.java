package io.ggmljava.models;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import java.util.List;

/**
 * A GRU layer with PyTorch's weight layout and gate order (r, z, n), built from ordinary ops:
 *
 * <pre>
 * a = W_ih·x_t + b_ih      b = W_hh·h_{t-1} + b_hh                      # [3H] each
 * r = σ(a[0:H] + b[0:H])   z = σ(a[H:2H] + b[H:2H])   n = tanh(a[2H:3H] + r*b[2H:3H])
 * h_t = n + z*(h_{t-1} - n)                                              # = (1-z)*n + z*h_{t-1}
 * </pre>
 *
 * Weights: {@code w_ih [I, 3H]}, {@code w_hh [H, 3H]}, {@code b_ih [3H]}, {@code b_hh [3H]} (PyTorch's
 * {@code nn.GRU} layout, {@code ne = [in, out]}).
 */
public final class Gru implements RecurrentCell {
    private final int inputSize;
    private final int hiddenSize;
    private final Tensor wIh;
    private final Tensor wHh;
    private final Tensor bIh;
    private final Tensor bHh;

    /** A GRU over these weight tensors (shapes checked). */
    public Gru(Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        long h3 = wIh.ne(1);
        if (h3 % 3 != 0 || h3 == 0) {
            throw new ShapeException("gru: w_ih.ne1 (" + h3 + ") must be 3*H; w_ih=" + wIh.describe());
        }
        long h = h3 / 3;
        Rnn.requireShape("gru", "w_hh", wHh, h, h3);
        Rnn.requireShape("gru", "b_ih", bIh, h3, 1);
        Rnn.requireShape("gru", "b_hh", bHh, h3, 1);
        this.inputSize = Math.toIntExact(wIh.ne(0));
        this.hiddenSize = Math.toIntExact(h);
        this.wIh = wIh;
        this.wHh = wHh;
        this.bIh = bIh;
        this.bHh = bHh;
    }

    /** A GRU with new f32 weight tensors named {@code w_ih}, {@code w_hh}, {@code b_ih}, {@code b_hh}. */
    public static Gru create(Context ctx, int inputSize, int hiddenSize) {
        long h3 = 3L * hiddenSize;
        return new Gru(ctx.newTensor2d(GgmlType.F32, inputSize, h3).setName("w_ih"),
                ctx.newTensor2d(GgmlType.F32, hiddenSize, h3).setName("w_hh"),
                ctx.newTensor1d(GgmlType.F32, h3).setName("b_ih"),
                ctx.newTensor1d(GgmlType.F32, h3).setName("b_hh"));
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public List<String> stateNames() {
        return List.of("h");
    }

    @Override
    public List<Tensor> weights() {
        return List.of(wIh, wHh, bIh, bHh);
    }

    @Override
    public List<Tensor> step(Context ctx, Tensor x, List<Tensor> state) {
        Tensor h = state.get(0);
        int n = hiddenSize;
        long gate = 4L * n; // bytes of one gate's slice
        Tensor a = ctx.add(ctx.mulMat(wIh, x), bIh);  // [3H]
        Tensor b = ctx.add(ctx.mulMat(wHh, h), bHh);  // [3H]
        Tensor r = ctx.sigmoid(ctx.add(ctx.view1d(a, n, 0), ctx.view1d(b, n, 0)));
        Tensor z = ctx.sigmoid(ctx.add(ctx.view1d(a, n, gate), ctx.view1d(b, n, gate)));
        Tensor cand = ctx.tanh(ctx.add(ctx.view1d(a, n, 2 * gate), ctx.mul(r, ctx.view1d(b, n, 2 * gate))));
        Tensor hNext = ctx.add(cand, ctx.mul(z, ctx.sub(h, cand)));
        return List.of(hNext);
    }
}
