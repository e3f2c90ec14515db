package portforward.hop.secure.udp;

import java.net.InetSocketAddress;

/**
 * Read from a {@code listen+s} UDP listener when a peer that proved the secret fell silent (no
 * keepalive for three intervals) and its keys were dropped: its session has nobody at the far end.
 */
public record PeerGone(InetSocketAddress sender, String why) {
}
