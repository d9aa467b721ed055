package dev.aligned.server.web;

import java.util.List;
import java.util.Locale;

/**
 * Trend charts drawn on the server as SVG through {@link Html} (so labels are escaped like any text): daily
 * messages as stacked bars (aligned / failing) and the daily DMARC pass rate as a line. Colours come from
 * presentation attributes and the style sheet, never inline style.
 */
final class Charts {
    private static final int W = 760;
    private static final int H = 180;
    private static final int LEFT = 48;
    private static final int BOTTOM = 22;
    private static final int TOP = 22;

    private Charts() {
    }

    /** Stacked bars: DMARC pass (bottom) and fail (top) messages per day. */
    static Html volume(List<Queries.DayPoint> days, String id) {
        Html h = new Html();
        long max = 1;
        for (Queries.DayPoint d : days) {
            max = Math.max(max, d.messages());
        }
        h.open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", "0 0 " + W + " " + H, "class", "chart",
                "id", id, "role", "img", "aria-label", "messages per day");
        axes(h, max, false);
        double slot = (double) (W - LEFT - 4) / Math.max(1, days.size());
        double bw = Math.max(1, slot * 0.8);
        double plotH = H - BOTTOM - TOP;
        for (int i = 0; i < days.size(); i++) {
            Queries.DayPoint d = days.get(i);
            double x = LEFT + 2 + i * slot;
            double hp = plotH * d.dmarcPass() / max;
            double hf = plotH * (d.messages() - d.dmarcPass()) / max;
            double base = H - BOTTOM;
            h.open("g", "class", "bar");
            h.open("title").text(d.day() + ": " + d.messages() + " messages, " + d.dmarcPass() + " pass DMARC").close();
            h.empty("rect", "x", f(x), "y", f(base - hp), "width", f(bw), "height", f(hp), "class", "pass", "fill", "#2e7d32");
            h.empty("rect", "x", f(x), "y", f(base - hp - hf), "width", f(bw), "height", f(hf), "class", "fail", "fill", "#c62828");
            h.close();
        }
        labels(h, days, slot);
        legend(h, new String[] {"DMARC pass", "DMARC fail"}, new String[] {"#2e7d32", "#c62828"});
        h.close();
        return h;
    }

    /** Lines: DMARC pass rate, SPF aligned rate, DKIM aligned rate per day (days without mail are skipped). */
    static Html rates(List<Queries.DayPoint> days, String id) {
        Html h = new Html();
        h.open("svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox", "0 0 " + W + " " + H, "class", "chart",
                "id", id, "role", "img", "aria-label", "pass rates per day");
        axes(h, 100, true);
        double slot = (double) (W - LEFT - 4) / Math.max(1, days.size());
        line(h, days, slot, 2, "#ef6c00", "DKIM aligned", "6 3");
        line(h, days, slot, 1, "#6a1b9a", "SPF aligned", "2 2");
        line(h, days, slot, 0, "#1565c0", "DMARC pass", null);
        labels(h, days, slot);
        legend(h, new String[] {"DMARC pass", "SPF aligned", "DKIM aligned"},
                new String[] {"#1565c0", "#6a1b9a", "#ef6c00"});
        h.close();
        return h;
    }

    private static void legend(Html h, String[] names, String[] colours) {
        double x = LEFT + 10;
        for (int i = 0; i < names.length; i++) {
            h.empty("rect", "x", f(x), "y", "2", "width", "10", "height", "10", "fill", colours[i]);
            h.el("text", names[i], "x", f(x + 14), "y", "11", "font-size", "11", "fill", "#333");
            x += 26 + names[i].length() * 7.0;
        }
    }

    private static void line(Html h, List<Queries.DayPoint> days, double slot, int which, String colour, String name,
            String dash) {
        StringBuilder pts = new StringBuilder();
        double plotH = H - BOTTOM - TOP;
        for (int i = 0; i < days.size(); i++) {
            Queries.DayPoint d = days.get(i);
            if (d.messages() == 0) {
                continue;
            }
            long part = which == 0 ? d.dmarcPass() : which == 1 ? d.spfAligned() : d.dkimAligned();
            double x = LEFT + 2 + i * slot + slot * 0.4;
            double y = H - BOTTOM - plotH * part / d.messages();
            pts.append(f(x)).append(',').append(f(y)).append(' ');
        }
        h.open("g", "class", "series");
        h.el("title", name);
        h.empty("polyline", "points", pts.toString().trim(), "fill", "none", "stroke", colour, "stroke-width",
                dash == null ? "2.5" : "2", "stroke-dasharray", dash);
        h.close();
    }

    private static void axes(Html h, long max, boolean percent) {
        double plotH = H - BOTTOM - TOP;
        for (int i = 0; i <= 4; i++) {
            double y = H - BOTTOM - plotH * i / 4;
            h.empty("line", "x1", Integer.toString(LEFT), "x2", Integer.toString(W), "y1", f(y), "y2", f(y),
                    "stroke", "#ddd", "stroke-width", "1");
            long v = Math.round((double) max * i / 4);
            h.el("text", percent ? v + "%" : Layout.num(v), "x", Integer.toString(LEFT - 4), "y", f(y + 4),
                    "text-anchor", "end", "font-size", "10", "fill", "#555");
        }
    }

    private static void labels(Html h, List<Queries.DayPoint> days, double slot) {
        int every = Math.max(1, days.size() / 8);
        for (int i = 0; i < days.size(); i += every) {
            double x = LEFT + 2 + i * slot;
            h.el("text", days.get(i).day().substring(5), "x", f(x), "y", Integer.toString(H - 6), "font-size", "10",
                    "fill", "#555");
        }
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
