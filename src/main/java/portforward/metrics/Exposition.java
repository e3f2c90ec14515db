package portforward.metrics;

import java.util.List;
import java.util.function.ToLongFunction;
import portforward.forward.RelayStats;
import portforward.forward.RelayStats.Drop;
import portforward.forward.RelayStats.LinkEnd;
import portforward.forward.RelayStats.Refusal;
import portforward.forward.RelayStats.SessionEnd;
import portforward.hop.secure.Strangers;

/**
 * Writes the Prometheus text exposition format (version 0.0.4): each family's HELP and TYPE once,
 * then one sample per forward. Every sample carries a {@code forward} label, the process-wide ones
 * too, so that a query by forward finds everything about it.
 */
final class Exposition {
    private final StringBuilder out = new StringBuilder(4096);
    private final List<Exported> forwards;

    private Exposition(List<Exported> forwards) {
        this.forwards = forwards;
    }

    static String write(List<Exported> forwards, String version, double startSeconds) {
        Exposition e = new Exposition(forwards);
        e.family("portforward_links_opened_total", "counter", "TCP links opened", s -> s.linksOpened());
        e.header("portforward_links_closed_total", "counter", "TCP links closed, by why they closed");
        for (LinkEnd why : LinkEnd.values()) {
            e.samples("portforward_links_closed_total", "reason", why.name().toLowerCase(), s -> s.linksClosed(why));
        }
        e.family("portforward_links_active", "gauge", "TCP links open now", RelayStats::activeLinks);
        e.family("portforward_bytes_to_target_total", "counter",
                "Bytes relayed toward the target by closed links and ended UDP sessions", RelayStats::bytesToTarget);
        e.family("portforward_bytes_to_client_total", "counter",
                "Bytes relayed back to the client by closed links and ended UDP sessions", RelayStats::bytesToClient);
        e.family("portforward_connect_failures_total", "counter", "Dials of a target or relay that failed",
                RelayStats::connectFailures);
        e.family("portforward_udp_sessions_opened_total", "counter", "UDP sessions opened", RelayStats::sessionsOpened);
        e.header("portforward_udp_sessions_closed_total", "counter", "UDP sessions ended, by why they ended");
        for (SessionEnd why : SessionEnd.values()) {
            e.samples("portforward_udp_sessions_closed_total", "reason", why.name().toLowerCase(),
                    s -> s.sessionsClosed(why));
        }
        e.family("portforward_udp_sessions_expired_total", "counter", "UDP sessions ended by --udp-timeout",
                RelayStats::sessionsExpired);
        e.family("portforward_udp_sessions_active", "gauge", "UDP sessions open now", RelayStats::activeSessions);
        e.header("portforward_datagrams_dropped_total", "counter", "Datagrams dropped, by why");
        for (Drop why : Drop.values()) {
            e.samples("portforward_datagrams_dropped_total", "reason", why.name().toLowerCase(), s -> s.dropped(why));
        }
        e.header("portforward_connections_refused_total", "counter",
                "TCP connections closed before they became links, by why (--allow-from, --max-links, listen+pp)");
        for (Refusal why : Refusal.values()) {
            e.samples("portforward_connections_refused_total", "reason", why.name().toLowerCase(), s -> s.refused(why));
        }
        e.family("portforward_unpaired_waiting", "gauge", "Relay: connections or UDP clients waiting for a partner",
                RelayStats::unpairedWaiting);
        e.family("portforward_agent_pooled", "gauge", "Agent: idle connections held open toward the relay",
                RelayStats::agentPooled);
        e.handshakes();
        e.family("portforward_secure_handshakes_waiting", "gauge",
                "Secure-hop handshakes toward a +s target waiting for one of the forward's 32 turns",
                RelayStats::handshakesWaiting);
        e.family("portforward_secure_udp_rekeys_total", "counter", "UDP over the secure hop: keys renewed by the dialling side",
                RelayStats::keysRenewed);
        e.header("portforward_build_info", "gauge", "The version of this portforward; always 1");
        for (Exported f : forwards) {
            e.line("portforward_build_info", f.name(), ",version=\"" + escape(version) + "\"", "1");
        }
        e.header("portforward_start_time_seconds", "gauge", "When the process started, in seconds since the epoch");
        for (Exported f : forwards) {
            e.line("portforward_start_time_seconds", f.name(), "", Double.toString(startSeconds));
        }
        return e.out.toString();
    }

    private void handshakes() {
        String name = "portforward_secure_handshakes_total";
        header(name, "counter", "Secure-hop handshakes: dialled (side=dial) or answered on a listen+s endpoint"
                + " (side=listen), by result");
        samples(name, "side=\"dial\",result", "ok", RelayStats::handshakesOk);
        samples(name, "side=\"dial\",result", "failed", RelayStats::handshakesFailed);
        for (Exported f : forwards) {
            long ok = f.secureListeners().stream().mapToLong(Strangers::accepted).sum();
            long failed = f.secureListeners().stream().mapToLong(Strangers::refused).sum();
            line(name, f.name(), ",side=\"listen\",result=\"ok\"", Long.toString(ok));
            line(name, f.name(), ",side=\"listen\",result=\"failed\"", Long.toString(failed));
        }
    }

    private void family(String name, String type, String help, ToLongFunction<RelayStats> value) {
        header(name, type, help);
        for (Exported f : forwards) {
            line(name, f.name(), "", Long.toString(value.applyAsLong(f.stats())));
        }
    }

    private void samples(String name, String label, String value, ToLongFunction<RelayStats> read) {
        for (Exported f : forwards) {
            line(name, f.name(), "," + label + "=\"" + value + "\"", Long.toString(read.applyAsLong(f.stats())));
        }
    }

    private void header(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void line(String name, String forward, String moreLabels, String value) {
        out.append(name).append("{forward=\"").append(escape(forward)).append('"').append(moreLabels).append("} ")
                .append(value).append('\n');
    }

    /** A label value's escapes: backslash, double quote and line feed. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
