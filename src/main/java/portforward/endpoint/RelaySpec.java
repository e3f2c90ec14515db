package portforward.endpoint;

import java.time.Duration;
import java.util.Optional;
import portforward.hop.Secret;
import portforward.hop.socks.SocksSettings;

/** Everything a relay needs to run, as parsed from the command line. Immutable. */
public record RelaySpec(
        Protocol protocol,
        Endpoint first,
        Endpoint second,
        Duration connectTimeout,
        Duration pairTimeout,
        int pool,
        Duration udpTimeout,
        int maxSessions,
        Optional<Secret> secret,
        Duration heartbeat,
        SocksSettings socks,
        Access access,
        Duration rekey,
        long rekeyDatagrams) {

    public static RelaySpec of(Protocol protocol, Endpoint first, Endpoint second) {
        return new RelaySpec(protocol, first, second, Defaults.CONNECT_TIMEOUT, Defaults.PAIR_TIMEOUT,
                Defaults.POOL, Defaults.UDP_TIMEOUT, Defaults.MAX_SESSIONS, Optional.empty(), Defaults.HEARTBEAT,
                SocksSettings.OPEN, Access.OPEN, Defaults.REKEY, Defaults.REKEY_DATAGRAMS);
    }

    /** The secret of the secure hop; only asked for when an endpoint is {@code +s}, which the parser checked. */
    public Secret requireSecret() {
        return secret.orElseThrow(() -> new IllegalStateException("a +s endpoint without a secret"));
    }

    @Override
    public String toString() {
        return protocol.word() + " " + first + " " + second;
    }
}
