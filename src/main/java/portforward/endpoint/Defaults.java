package portforward.endpoint;

import java.time.Duration;

/** The one place defaults live; help text and the parser both read them from here. */
public final class Defaults {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration PAIR_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration UDP_TIMEOUT = Duration.ofSeconds(60);
    public static final int POOL = 4;
    public static final int MAX_SESSIONS = 65536;
    /** How often an idle secure hop proves it is alive; three missed in a row close it. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(25);
    /** udp over +s: keys are renewed this often (WireGuard's REKEY_AFTER_TIME)... */
    public static final Duration REKEY = Duration.ofSeconds(120);
    /** ...or once either direction has sealed this many datagrams, far before a counter could wrap. */
    public static final long REKEY_DATAGRAMS = 1L << 60;
    /** How long open links get to close cleanly after SIGINT/SIGTERM. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofMillis(1000);

    private Defaults() {
    }
}
