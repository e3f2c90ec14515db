package portforward.hop.secure.udp;

import portforward.hop.noise.CipherState;
import portforward.hop.secure.Wire;

/**
 * The datagrams of the secure UDP hop, one message each, no length prefix:
 * <pre>
 *   HELLO    1 | sender index u32 | Noise message 1 (e, hello payload)      84 bytes
 *   WELCOME  2 | sender index u32 | receiver index u32 | Noise message 2     59 bytes
 *   DATA     3 | receiver index u32 | counter u64 | AES-GCM(payload)         29 + payload
 * </pre>
 * A DATA datagram's 13 header bytes are its additional data, and its counter is the nonce. An
 * empty payload is a keepalive (an empty datagram is never data: UDP relays do not carry them).
 */
final class DatagramWire {
    static final byte HELLO = 1;
    static final byte WELCOME = 2;
    static final byte DATA = 3;
    static final int INDEX = 4;
    static final int HEADER = 1 + INDEX + 8;
    static final int OVERHEAD = HEADER + CipherState.TAG_LENGTH;
    /** The largest IPv4 UDP payload, less the overhead: the most one sealed datagram can carry. */
    static final int MAX_PAYLOAD = 65507 - OVERHEAD;
    private static final int KEY = 32;
    static final int HELLO_LENGTH = 1 + INDEX + KEY + Wire.HELLO_BYTES + CipherState.TAG_LENGTH;
    static final int WELCOME_LENGTH = 1 + 2 * INDEX + KEY + Wire.welcome().length + CipherState.TAG_LENGTH;

    private DatagramWire() {
    }
}
