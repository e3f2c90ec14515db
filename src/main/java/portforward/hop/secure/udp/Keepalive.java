package portforward.hop.secure.udp;

import java.net.InetSocketAddress;

/**
 * Read from a {@code listen+s} UDP listener in place of a knock: {@code sender} proved the secret
 * and is still there. A rendezvous relay keeps an agent's waiting session on it; it is never data.
 */
public record Keepalive(InetSocketAddress sender) {
}
