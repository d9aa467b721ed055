package dev.aligned.report;

import java.util.ArrayList;
import java.util.List;

/** A capped list of warnings; past the cap, warnings are counted and summarised in one last entry. */
final class Warnings {
    private final int max;
    private final List<String> list = new ArrayList<>();
    private long dropped;

    Warnings(int max) {
        this.max = max;
    }

    void add(String warning) {
        if (list.size() < max) {
            list.add(warning);
        } else {
            dropped++;
        }
    }

    void addAll(List<String> warnings) {
        for (String w : warnings) {
            add(w);
        }
    }

    List<String> toList() {
        if (dropped == 0) {
            return List.copyOf(list);
        }
        List<String> out = new ArrayList<>(list);
        out.add(dropped + " more warnings not shown (ReportLimits.maxWarnings = " + max + ")");
        return List.copyOf(out);
    }
}
