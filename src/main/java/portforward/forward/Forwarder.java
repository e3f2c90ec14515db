package portforward.forward;

import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import portforward.hop.secure.Strangers;

/** A running relay in one of the modes. */
public interface Forwarder {

    /** Binds every listener and starts every dialer; returns once the listeners are bound. */
    void start() throws StartException;

    /** The real bound address of each listen endpoint, in the order the user wrote them. */
    List<InetSocketAddress> boundAddresses();

    /**
     * Closes listeners and dialers at once and gives open links {@code grace} to finish cleanly
     * (what was relayed so far is flushed, then both ends see a close).
     */
    Future<?> stop(Duration grace);

    /**
     * A reload removed or changed this forward: stop taking new clients (the listeners close, an
     * agent stops dialling) and leave open links to finish by themselves; {@link #stop} later
     * gives those still open the normal grace. A UDP mode's sessions live on its listening
     * socket, so for UDP this is {@link #stop} with the shutdown grace.
     */
    default Future<?> stopListening() {
        return stop(portforward.endpoint.Defaults.SHUTDOWN_GRACE);
    }

    /** The handshake counts of each {@code listen+s} endpoint, for the metrics; none for a plain forward. */
    default List<Strangers> secureListeners() {
        return List.of();
    }
}
