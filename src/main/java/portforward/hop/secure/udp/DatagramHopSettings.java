package portforward.hop.secure.udp;

import java.time.Duration;
import portforward.hop.secure.HopSettings;

/**
 * The secure UDP hop's settings: the TCP hop's (secret, heartbeat as the keepalive interval,
 * clock), and when keys are renewed: after {@code rekeyAfter}, or once either direction has used
 * {@code rekeyDatagrams} counters, long before one could wrap.
 */
public record DatagramHopSettings(HopSettings hop, Duration rekeyAfter, long rekeyDatagrams) {

    /** Keys this old are used no more, even if renewing them failed so far. */
    Duration rejectAfter() {
        return rekeyAfter.multipliedBy(3);
    }
}
