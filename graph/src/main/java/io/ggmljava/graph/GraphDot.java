package io.ggmljava.graph;

import io.ggmljava.core.Tensor;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Graphviz export in the spirit of {@code ggml_graph_dump_dot}: one record per node ({@code name | OP | shape type}),
 * leafs filled pink, outputs green, inputs light blue, views dashed; an edge per source, labelled with its slot.
 * Sources outside the graph (e.g. outside a {@linkplain Graph#view view}) appear grey.
 */
final class GraphDot {
    private GraphDot() {
    }

    static void write(Graph g, Appendable out) throws IOException {
        Map<Tensor, String> ids = new IdentityHashMap<>();
        out.append("digraph G {\n  newrank = true;\n  rankdir = TB;\n  node [shape=record, style=filled];\n");
        for (int i = 0; i < g.leafCount(); i++) {
            Tensor t = g.leaf(i);
            String id = "l" + i;
            ids.put(t, id);
            declare(out, id, t, "pink");
        }
        for (int i = 0; i < g.nodeCount(); i++) {
            Tensor t = g.node(i);
            String id = "n" + i;
            ids.put(t, id);
            String color = t.hasFlag(Tensor.FLAG_OUTPUT) ? "palegreen"
                    : t.hasFlag(Tensor.FLAG_INPUT) ? "lightblue" : "white";
            declare(out, id, t, color);
        }
        int external = 0;
        for (int i = 0; i < g.nodeCount(); i++) {
            Tensor t = g.node(i);
            for (int s = 0, c = t.srcCount(); s < c; s++) {
                Tensor src = t.src(s);
                if (src == null) {
                    continue;
                }
                String from = ids.get(src);
                if (from == null) {
                    from = "x" + external++;
                    ids.put(src, from);
                    declare(out, from, src, "lightgrey");
                }
                out.append("  ").append(from).append(" -> n").append(Integer.toString(i))
                        .append(" [label=\"src").append(Integer.toString(s)).append('"')
                        .append(t.isView() && s == 0 ? ", style=dashed" : "").append("];\n");
            }
        }
        out.append("}\n");
    }

    private static void declare(Appendable out, String id, Tensor t, String color) throws IOException {
        StringBuilder shape = new StringBuilder("[");
        for (int d = 0; d < t.nDims(); d++) {
            shape.append(d == 0 ? "" : ", ").append(t.ne(d));
        }
        shape.append("] ").append(t.type());
        out.append("  ").append(id).append(" [fillcolor=").append(color)
                .append(t.isView() ? ", style=\"filled,dashed\"" : "")
                .append(", label=\"").append(escape(t.name())).append(" | ").append(escape(t.opDesc()))
                .append(" | ").append(escape(shape.toString())).append("\"];\n");
    }

    /** Escapes the characters that are special in a DOT record label. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if ("\"\\{}|<>".indexOf(ch) >= 0) {
                sb.append('\\');
            }
            if (ch == '\n' || ch == '\r') {
                sb.append(' ');
                continue;
            }
            sb.append(ch);
        }
        return sb.toString();
    }
}
