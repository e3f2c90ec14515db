package portforward.hop.secure;

import java.time.Clock;
import java.time.Duration;
import portforward.hop.Secret;

/**
 * What both ends of a secure hop are configured with. {@code clock} is the wall clock that dates
 * a first message (replay protection); tests give a skewed one.
 */
public record HopSettings(Secret secret, Duration heartbeat, Clock clock) {

    /** How long a peer has to complete the handshake before it is dropped as a stranger. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

    public HopSettings(Secret secret, Duration heartbeat) {
        this(secret, heartbeat, Clock.systemUTC());
    }
}
