package portforward.endpoint;

import java.time.Duration;

/** Everything a relay needs to run, as parsed from the command line. Immutable. */
public record RelaySpec(
        Protocol protocol,
        Endpoint first,
        Endpoint second,
        Duration connectTimeout,
        Duration pairTimeout,
        int pool,
        Duration udpTimeout,
        int maxSessions) {

    public static RelaySpec of(Protocol protocol, Endpoint first, Endpoint second) {
        return new RelaySpec(protocol, first, second, Defaults.CONNECT_TIMEOUT, Defaults.PAIR_TIMEOUT,
                Defaults.POOL, Defaults.UDP_TIMEOUT, Defaults.MAX_SESSIONS);
    }

    @Override
    public String toString() {
        return protocol.word() + " " + first + " " + second;
    }
}
