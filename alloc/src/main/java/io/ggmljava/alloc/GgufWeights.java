package io.ggmljava.alloc;

import io.ggmljava.core.Context;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufTensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights of a GGUF file as a plan: every tensor created in a context (metadata only, so a header-only file
 * works for sizing) and placed at its offset in the file's data section. Allocating the plan with
 * {@link #mappedType} maps that section read-only and binds every tensor to its bytes, zero-copy; allocating it with
 * an Arena type gives writable memory of the same layout; measuring it gives the weight bytes.
 *
 * <pre>{@code
 * try (GgufFile f = GgufFile.openHeaderOnly(path)) {
 *     Context weights = new Context();
 *     MemoryPlan plan = GgufWeights.plan(f, weights);              // weights.tensors() now hold the model
 *     long bytes = plan.totalBytes();                              // sizing needs nothing more
 *     try (Allocation mem = plan.allocate(GgufWeights.mappedType(f, path))) { ... }
 * }
 * }</pre>
 */
public final class GgufWeights {
    private GgufWeights() {
    }

    /** Creates the file's tensors in {@code ctx} (unbound, names and shapes from the file) and places them. */
    public static MemoryPlan plan(GgufFile file, Context ctx) {
        long t0 = System.nanoTime();
        List<GgufTensorInfo> infos = file.tensors();
        Tensor[] tensors = new Tensor[infos.size()];
        int[] bufferOf = new int[infos.size()];
        long[] offsetOf = new long[infos.size()];
        long end = 0;
        for (int i = 0; i < infos.size(); i++) {
            GgufTensorInfo info = infos.get(i);
            Tensor t = ctx.newTensor(info.type(), info.ne()).setName(info.name());
            if (t.nbytes() != info.nbytes()) {
                throw new AllocationException("gguf tensor '" + info.name() + "': " + info.nbytes()
                        + " bytes in the file, " + t.nbytes() + " for its type and shape");
            }
            tensors[i] = t;
            offsetOf[i] = info.offset();
            end = Math.max(end, info.offset() + info.nbytes());
        }
        List<MemoryPlan.BufferSpec> buffers = new ArrayList<>();
        buffers.add(new MemoryPlan.BufferSpec("weights.0", Usage.WEIGHTS, end));
        BufferType layout = BufferTypes.arena(ArenaKind.SHARED, file.alignment(), Long.MAX_VALUE);
        return MemoryPlan.linear(tensors, bufferOf, offsetOf, buffers, layout, System.nanoTime() - t0);
    }

    /** Read-only mappings of the file's data section (for {@link MemoryPlan#allocate} of a {@link #plan}). */
    public static BufferType mappedType(GgufFile file, Path path) {
        return BufferTypes.mapped(path, file.dataOffset(), file.alignment());
    }
}
