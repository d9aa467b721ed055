package dev.aligned.dmarc;

import dev.aligned.dns.DomainName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The RFC 9989 section 4.10 DNS tree walk and the section 4.10.2 choice of organizational domain.
 *
 * <p>From the starting name: query it; then drop to 7 labels when it has 8 or more (else to its parent);
 * then one label at a time up to the top-level domain. Stop at a single record carrying {@code psd=y} or
 * {@code psd=n}. At most 8 queries. A temporary failure anywhere stops the walk: its answer could have
 * changed where the walk ends, so the outcome is undetermined.
 */
final class TreeWalk {

    /** The names queried and what each held, in walk order; {@code failure} set when the walk was cut short. */
    record Walk(DomainName start, List<DmarcLookup.Outcome> steps, Optional<DmarcLookup.Failed> failure) {

        List<DmarcLookup.Found> found() {
            List<DmarcLookup.Found> out = new ArrayList<>();
            for (DmarcLookup.Outcome o : steps) {
                if (o instanceof DmarcLookup.Found f) {
                    out.add(f);
                }
            }
            return out;
        }
    }

    private TreeWalk() {
    }

    /** The names a walk from {@code start} would query, in order (at most 8). */
    static List<DomainName> targets(DomainName start) {
        List<DomainName> out = new ArrayList<>();
        out.add(start);
        int x = start.labelCount();
        DomainName next = x >= 8 ? start.suffix(7) : start.parent();
        while (!next.isRoot()) {
            out.add(next);
            next = next.parent();
        }
        return out;
    }

    static Walk walk(DmarcLookup lookup, DomainName start) {
        List<DmarcLookup.Outcome> steps = new ArrayList<>();
        for (DomainName target : targets(start)) {
            DmarcLookup.Outcome o = lookup.at(target);
            steps.add(o);
            if (o instanceof DmarcLookup.Failed f) {
                return new Walk(start, steps, Optional.of(f));
            }
            if (o instanceof DmarcLookup.Found f && f.record().psd() != DmarcRecord.Psd.U) {
                break;
            }
        }
        return new Walk(start, steps, Optional.empty());
    }

    /**
     * The organizational domain chosen from a completed walk (section 4.10.2): a {@code psd=n} name; else the
     * name one label below a {@code psd=y} name other than the start; else the found name with the fewest
     * labels; else the start itself.
     */
    static DomainName organizationalDomain(Walk walk) {
        List<DmarcLookup.Found> found = walk.found();
        for (DmarcLookup.Found f : found) {
            if (f.record().psd() == DmarcRecord.Psd.N) {
                return f.domain();
            }
            if (f.record().psd() == DmarcRecord.Psd.Y && !f.domain().equals(walk.start())) {
                return walk.start().suffix(f.domain().labelCount() + 1);
            }
        }
        if (found.isEmpty()) {
            return walk.start();
        }
        return found.get(found.size() - 1).domain();
    }
}
