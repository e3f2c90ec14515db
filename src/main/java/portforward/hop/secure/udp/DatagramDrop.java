package portforward.hop.secure.udp;

/** Why the secure UDP hop dropped a datagram; the mode counts each and warns, rate-limited. */
public enum DatagramDrop {
    /** From a stranger, or tampered, replayed, too old for the window, or for keys long gone. */
    UNAUTHENTICATED,
    /** Plaintext larger than a sealed datagram can carry ({@link #MAX_PAYLOAD} bytes). */
    TOO_LARGE,
    /** For a peer whose keys are not there (yet, or any more): nothing can seal it. */
    NO_KEYS;

    /** The largest datagram the secure hop carries, for the warning. */
    public static final int MAX_PAYLOAD = DatagramWire.MAX_PAYLOAD;
}
