package io.ggmljava.alloc;

/**
 * How a planner places units in the compute buffer: given the {@link Lifetimes} table, an offset per unit, with
 * units that are live at the same time never overlapping. The planner checks every placement it is given (aligned,
 * non-negative, no overlap) before using it, so a plug-in cannot produce an unsafe plan.
 *
 * <p>Built in: {@link Planner#dynamic()} (ggml's best fit, in ggml's order) and {@link Planner#offline()} (greedy by
 * size over the whole table). Plug one in by passing it ({@code Planner.of(new StackStrategy())}) or with
 * {@code provides io.ggmljava.alloc.PlacementStrategy with my.StackStrategy;} for {@link Planner#byName}:
 *
 * <pre>{@code
 * public final class StackStrategy implements PlacementStrategy {   // no reuse at all: an upper bound
 *     public String name() { return "stack"; }
 *     public long[] place(Lifetimes table) {
 *         long[] offsets = new long[table.unitCount()];
 *         long top = 0;
 *         for (int u = 0; u < offsets.length; u++) {
 *             offsets[u] = top;
 *             top += table.unitSize(u);                             // sizes are already aligned
 *         }
 *         return offsets;
 *     }
 * }
 * }</pre>
 */
public interface PlacementStrategy {
    /** The name used by {@link Planner#byName} and in reports. */
    String name();

    /** An offset for every unit of {@code table} (multiples of {@link Lifetimes#alignment()}). */
    long[] place(Lifetimes table);
}
