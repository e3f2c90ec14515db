package portforward.forward.udp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The open sessions of one relay, keyed by where the client's datagrams come from, bounded by
 * --max-sessions. A datagram that would open a session beyond the bound is refused and counted;
 * the sessions already open are untouched. Confined to the listeners' event loop.
 */
final class UdpSessionTable<K, S> {
    private final Map<K, S> sessions = new HashMap<>();
    private final int max;
    private final DropReport drops;

    UdpSessionTable(int max, DropReport drops) {
        this.max = max;
        this.drops = drops;
    }

    Optional<S> get(K key) {
        return Optional.ofNullable(sessions.get(key));
    }

    /** A new session for {@code key}, made by {@code open}, unless the table is full. */
    Optional<S> open(K key, Function<K, S> open) {
        if (sessions.size() >= max) {
            drops.count(DropReport.Reason.TABLE_FULL);
            return Optional.empty();
        }
        S session = open.apply(key);
        sessions.put(key, session);
        return Optional.of(session);
    }

    /** Removes {@code key} if it still maps to {@code session}, which has ended. */
    void remove(K key, S session) {
        sessions.remove(key, session);
    }

    int size() {
        return sessions.size();
    }

    /** A copy, so that ending sessions may remove themselves while the caller walks it. */
    List<S> snapshot() {
        return new ArrayList<>(sessions.values());
    }
}
