package portforward.forward.udp;

import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Datagrams one session did not forward, by reason, for its closing line: knocks (taken, never
 * data) and the drops that {@link DropReport} also warns about. Loop-confined.
 */
final class DropCounts {
    private final Map<DropReport.Reason, Long> counts = new EnumMap<>(DropReport.Reason.class);

    void add(DropReport.Reason reason, long datagrams) {
        if (datagrams > 0) {
            counts.merge(reason, datagrams, Long::sum);
        }
    }

    void addAll(DropCounts other) {
        other.counts.forEach(this::add);
    }

    long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Datagrams that were data and were lost: every reason but the knock. */
    long lost() {
        return total() - counts.getOrDefault(DropReport.Reason.KNOCK, 0L);
    }

    long of(DropReport.Reason reason) {
        return counts.getOrDefault(reason, 0L);
    }

    /** "0 dropped", or "3 dropped (2 knocks, 1 socket send buffer full)". */
    String describe() {
        if (counts.isEmpty()) {
            return "0 dropped";
        }
        StringJoiner parts = new StringJoiner(", ", " (", ")");
        counts.forEach((reason, n) -> parts.add(n + " " + reason.label(n)));
        return total() + " dropped" + parts;
    }
}
