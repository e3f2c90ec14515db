package portforward.metrics;

import java.util.List;
import portforward.forward.RelayStats;
import portforward.hop.secure.Strangers;

/**
 * One forward as the metrics endpoint sees it: its {@code forward} label, its counters, and the
 * handshake counts of its {@code listen+s} endpoints (none for a plain forward).
 */
public record Exported(String name, RelayStats stats, List<Strangers> secureListeners) {
}
