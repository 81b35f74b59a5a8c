package io.ggmljava.models;

import io.ggmljava.core.Context;
import io.ggmljava.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the model-level golden cases ({@code golden.op = GRAPH}: {@code lstm}, {@code gru}, {@code gpt2_block})
 * from their named input tensors, so a golden runner can check them; {@code dst} of the recurrent cases is the
 * {@code [H, T]} output the unrolled graph writes.
 */
public final class GraphCases {
    private GraphCases() {
    }

    /** The models this builds. */
    public static List<String> models() {
        return List.of("lstm", "gru", "gpt2_block");
    }

    /**
     * The outputs of a case, by golden output name.
     *
     * @param model  {@code golden.param.model}
     * @param input  the case's input tensors by name
     * @param param  the case's {@code golden.param.*} values by name (numbers)
     */
    public static Map<String, Tensor> build(Context ctx, String model, Function<String, Tensor> input,
                                            Function<String, Number> param) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        switch (model) {
            case "lstm" -> {
                Lstm lstm = new Lstm(input.apply("w_ih"), input.apply("w_hh"), input.apply("b_ih"),
                        input.apply("b_hh"));
                Rnn.Unrolled u = unroll(ctx, lstm, input.apply("x"), List.of(input.apply("h0"), input.apply("c0")));
                out.put("dst", u.output());
                out.put("h_last", u.last().get(0));
                out.put("c_last", u.last().get(1));
            }
            case "gru" -> {
                Gru gru = new Gru(input.apply("w_ih"), input.apply("w_hh"), input.apply("b_ih"),
                        input.apply("b_hh"));
                Rnn.Unrolled u = unroll(ctx, gru, input.apply("x"), List.of(input.apply("h0")));
                out.put("dst", u.output());
                out.put("h_last", u.last().get(0));
            }
            case "gpt2_block" -> {
                Gpt2.Layer l = new Gpt2.Layer(input.apply("ln_1.weight"), input.apply("ln_1.bias"),
                        input.apply("ln_2.weight"), input.apply("ln_2.bias"), input.apply("attn.c_attn.weight"),
                        input.apply("attn.c_attn.bias"), input.apply("attn.c_proj.weight"),
                        input.apply("attn.c_proj.bias"), input.apply("mlp.c_fc.weight"), input.apply("mlp.c_fc.bias"),
                        input.apply("mlp.c_proj.weight"), input.apply("mlp.c_proj.bias"));
                out.put("dst", Gpt2Block.forward(ctx, input.apply("x"), l, param.apply("n_head").intValue(),
                        param.apply("eps").floatValue()));
            }
            default -> throw new IllegalArgumentException("no GRAPH case builder for model '" + model + "'; known: "
                    + models());
        }
        return out;
    }

    private static Rnn.Unrolled unroll(Context ctx, RecurrentCell cell, Tensor x, List<Tensor> initial) {
        Tensor out = ctx.newTensor2d(io.ggmljava.core.GgmlType.F32, cell.hiddenSize(), x.ne(1)).setName("dst");
        return Rnn.unroll(ctx, cell, x, initial, out);
    }
}
