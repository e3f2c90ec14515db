package portforward.hop.secure;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Fired as a user event on an agent's pooled link when the relay has paired it with a client:
 * dial the target now. {@code client} is the address the relay saw the client connect from.
 */
public record Opened(Optional<InetSocketAddress> client) {
}
