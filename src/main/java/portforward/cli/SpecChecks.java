package portforward.cli;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Optional;
import portforward.endpoint.BadInputException;
import portforward.endpoint.Endpoint;
import portforward.endpoint.RelaySpec;

/**
 * Mistakes that parse cleanly but cannot work: a URL for an address, an interface that does not
 * exist, a forward to itself. Each is bad input (exit 2), caught before anything binds.
 */
final class SpecChecks {
    private SpecChecks() {
    }

    /** Before parsing: {@code conn:http://host} would otherwise read as an odd host name. */
    static void notUrl(String text) throws BadInputException {
        int scheme = text.indexOf("://");
        if (scheme >= 0) {
            throw new BadInputException("'" + text + "' is a URL: portforward takes HOST:PORT, not a URL"
                    + " (as in conn:example.com:80)");
        }
    }

    /** A named zone ({@code [fe80::1%eth0]}) must be an interface of this host. */
    static void zoneExists(Endpoint endpoint) throws BadInputException {
        int percent = endpoint.host().indexOf('%');
        if (percent < 0) {
            return;
        }
        String zone = endpoint.host().substring(percent + 1);
        if (zone.chars().allMatch(Character::isDigit)) {
            return; // a scope id number
        }
        boolean known;
        try {
            known = NetworkInterface.getByName(zone) != null;
        } catch (SocketException e) {
            known = false;
        }
        if (!known) {
            throw new BadInputException("no interface named '" + zone + "' in '" + endpoint
                    + "' (`ip link` lists them)");
        }
    }

    /**
     * A listen-conn forward whose target is its own listener would dial itself until the file
     * descriptors run out; a listen-listen relay cannot bind one address twice.
     */
    static void noLoop(RelaySpec spec) throws BadInputException {
        Endpoint a = spec.first();
        Endpoint b = spec.second();
        if (a.isListen() && b.isListen()) {
            if (a.port() != 0 && a.port() == b.port() && overlap(a, b)) {
                throw new BadInputException("'" + a + "' and '" + b + "' are the same address: a listen-listen"
                        + " relay needs two different ports");
            }
        } else if (a.isListen() != b.isListen()) {
            Endpoint listen = a.isListen() ? a : b;
            Endpoint conn = a.isListen() ? b : a;
            if (listen.port() == conn.port() && overlap(listen, conn)) {
                throw new BadInputException("'" + conn + "' is the relay's own listen address '" + listen
                        + "': it would forward to itself");
            }
        }
    }

    /** Whether the two hosts can name one socket address: the same text or address, or a wildcard. */
    private static boolean overlap(Endpoint a, Endpoint b) {
        if (a.host().equalsIgnoreCase(b.host())) {
            return true;
        }
        Optional<InetAddress> x = literal(a);
        Optional<InetAddress> y = literal(b);
        if (x.isEmpty() || y.isEmpty()) {
            return false; // a host name is resolved when it is used, not here
        }
        if (x.get().equals(y.get())) {
            return true;
        }
        return covers(x.get(), y.get()) || covers(y.get(), x.get());
    }

    /** A wildcard listener takes every local address, its own kind of wildcard included. */
    private static boolean covers(InetAddress wildcard, InetAddress other) {
        return wildcard.isAnyLocalAddress() && (other.isAnyLocalAddress() || isLocal(other));
    }

    private static Optional<InetAddress> literal(Endpoint endpoint) {
        if (!endpoint.isLiteral() && !endpoint.host().equalsIgnoreCase("localhost")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(endpoint.host()));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean isLocal(InetAddress address) {
        try {
            return address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
