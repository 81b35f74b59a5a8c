package io.ggmljava.cli;

import io.ggmljava.models.SizeReport;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYPointerAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

/**
 * {@code --plot}: live bytes after each node over the execution order, the peak marked, with the compute buffer
 * (ours and ggml's) and the lower bound as horizontal lines. PNG through JFreeChart's {@link ChartUtils}, SVG through
 * JFreeSVG.
 */
final class SizePlot {
    static final int WIDTH = 1200;
    static final int HEIGHT = 600;
    private static final double MIB = 1024.0 * 1024.0;

    private SizePlot() {
    }

    static void write(SizeReport r, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        JFreeChart chart = chart(r);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".svg")) {
            SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
            chart.draw(g2, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
            SVGUtils.writeToSVG(file.toFile(), g2.getSVGElement());
        } else if (name.endsWith(".png")) {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        } else {
            throw new IllegalArgumentException("--plot: the file must end in .png or .svg, got " + file);
        }
    }

    static JFreeChart chart(SizeReport r) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries ours = series("live bytes, " + r.order() + " order", r.liveBytes());
        data.addSeries(ours);
        boolean twoOrders = !r.order().equals("ggml");
        if (twoOrders) {
            data.addSeries(series("live bytes, ggml order", r.ggmlLiveBytes()));
        }
        NumberAxis x = new NumberAxis("node (execution order)");
        x.setAutoRangeIncludesZero(true);
        NumberAxis y = new NumberAxis("MiB live in the compute buffer");
        XYStepRenderer renderer = new XYStepRenderer();
        renderer.setSeriesPaint(0, new Color(0x1f77b4));
        renderer.setSeriesStroke(0, new BasicStroke(1.6f));
        if (twoOrders) {
            renderer.setSeriesPaint(1, new Color(0x999999));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        // line labels on the side away from the peak's label; ours below its line, ggml's above
        boolean left = r.peakNode() > r.liveBytes().length / 2;
        marker(plot, r.computeBytes(), "compute buffer (" + r.planner() + ") " + SizeText.bytes(r.computeBytes()),
                new Color(0x2ca02c), false, left, false);
        if (r.ggmlComputeBytes() != r.computeBytes()) {
            marker(plot, r.ggmlComputeBytes(), "ggml-equivalent " + SizeText.bytes(r.ggmlComputeBytes()),
                    new Color(0xd62728), true, left, true);
        }
        if (r.lowerBoundBytes() != r.computeBytes()) {
            marker(plot, r.lowerBoundBytes(), "lower bound " + SizeText.bytes(r.lowerBoundBytes()),
                    new Color(0x7f7f7f), true, !left, false);
        }
        if (r.peakNode() >= 0) {
            double peak = r.liveBytes()[r.peakNode()] / MIB;
            XYPointerAnnotation a = new XYPointerAnnotation("peak " + SizeText.bytes(r.liveBytes()[r.peakNode()])
                    + " after node " + r.peakNode() + " '" + r.peakName() + "'", r.peakNode(), peak,
                    r.peakNode() > r.liveBytes().length / 2 ? -2.5 : -0.6);
            a.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            a.setTextAnchor(r.peakNode() > r.liveBytes().length / 2 ? TextAnchor.BOTTOM_RIGHT
                    : TextAnchor.BOTTOM_LEFT);
            a.setArrowPaint(Color.BLACK);
            plot.addAnnotation(a);
        }
        y.setUpperBound(Math.max(r.computeBytes(), r.ggmlComputeBytes()) / MIB * 1.15 + 1e-9);
        String title = String.format(Locale.ROOT, "%s: %s", r.source(), r.step());
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYSeries series(String name, long[] live) {
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i < live.length; i++) {
            s.add(i, live[i] / MIB);
        }
        return s;
    }

    private static void marker(XYPlot plot, long bytes, String label, Color color, boolean dashed, boolean left,
            boolean above) {
        ValueMarker m = new ValueMarker(bytes / MIB);
        m.setPaint(color);
        m.setStroke(dashed ? new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[]{6f, 4f}, 0f) : new BasicStroke(1.4f));
        m.setLabel(label);
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        m.setLabelPaint(color);
        if (left) {
            m.setLabelAnchor(above ? RectangleAnchor.TOP_LEFT : RectangleAnchor.BOTTOM_LEFT);
            m.setLabelTextAnchor(above ? TextAnchor.BOTTOM_LEFT : TextAnchor.TOP_LEFT);
        } else {
            m.setLabelAnchor(above ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.BOTTOM_RIGHT);
            m.setLabelTextAnchor(above ? TextAnchor.BOTTOM_RIGHT : TextAnchor.TOP_RIGHT);
        }
        plot.addRangeMarker(m);
    }
}
