package portforward.forward;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import portforward.hop.socks.Allowlist;

/**
 * The sources a forward's listeners accept ({@code --allow-from}); anyone when it was not given.
 * A refusal is logged at most once per source per 10 s; the caller counts it, as a refused
 * connection or a dropped datagram. Shared by the forward's listeners and loops.
 */
public final class AllowedSources {
    private static final Logger LOG = Logger.getLogger("portforward.access");

    private final Optional<Allowlist> allow;
    private final Logger log;
    private final SourceLog said = new SourceLog();

    AllowedSources(Optional<Allowlist> allow, Logger log) {
        this.allow = allow;
        this.log = log;
    }

    static AllowedSources of(RelayContext context) {
        return new AllowedSources(context.spec().access().allowFrom(), context.log(LOG));
    }

    public boolean restricted() {
        return allow.isPresent();
    }

    /** Whether {@code peer} may use {@code listener} ("tcp 0.0.0.0:8080"); says so when not. */
    public boolean admits(SocketAddress peer, String listener) {
        if (allow.isEmpty() || peer instanceof InetSocketAddress inet && inet.getAddress() != null
                && allow.get().permits(inet.getAddress())) {
            return true;
        }
        refused(peer, listener, "not in --allow-from " + allow.get());
        return false;
    }

    /** Says that something from {@code peer} was refused on {@code listener}, and why; rate-limited per source. */
    public void refused(SocketAddress peer, String listener, String why) {
        said.refused(peer, (source, unsaid) -> LogEvent.info(log, "refused", () -> Map.of("listener", listener,
                "client", source.getHostAddress(), "reason", why, "not_logged_since", unsaid),
                () -> "refused " + source.getHostAddress() + " on " + listener + " (" + why + ")"
                        + (unsaid > 0 ? "; " + unsaid + " more from it since the last line" : "")));
    }
}
