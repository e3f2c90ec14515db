package portforward.hop.secure.udp;

/** What the secure UDP hop tells the relay that runs it, for its counters and warnings. */
public interface HopEvents {
    /** A datagram was dropped (never forwarded, never answered). */
    void dropped(DatagramDrop why);

    /** An initiator's keys were renewed by a new handshake. */
    void renewed();
}
