package portforward.hop.secure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The secure hop's wire format. Every message is a frame, {@code u16 length | body}. The first two
 * frames are Noise_NNpsk0 handshake messages; after them each frame is one AES-GCM record whose
 * plaintext is {@code type | body}, authenticated together with its length bytes.
 */
public final class Wire {
    public static final String PROTOCOL = "Noise_NNpsk0_25519_AESGCM_SHA256";
    static final byte VERSION = 1;
    /** Hashed into the handshake, never sent: a peer of another protocol or version cannot complete it. */
    public static final byte[] PROLOGUE = prologue();
    static final int LENGTH_BYTES = 2;
    /** A handshake frame is far smaller; anything larger is refused before it is buffered. */
    static final int HANDSHAKE_MAX = 512;
    static final int FRAME_MAX = 0xffff;
    static final int TAG = 16;
    /** What a sender puts in one record: with its header and tag, a 16 KiB buffer. */
    static final int SEND_MAX = 16 * 1024 - LENGTH_BYTES - 1 - TAG;

    static final byte DATA = 0;
    static final byte FIN = 1;
    static final byte RST = 2;
    static final byte PING = 3;
    static final byte PONG = 4;
    static final byte OPEN = 5;
    static final byte READY = 6;
    /** The responder's link over this connection has ended cleanly: it waits for the next OPEN. */
    static final byte IDLE = 7;

    /** The initiator's first payload: version, role, flags, unix millis, heartbeat millis, 16 random bytes. */
    public static final int HELLO_BYTES = 1 + 1 + 1 + 8 + 4 + 16;
    static final byte ROLE_CLIENT = 0;
    static final byte ROLE_AGENT = 1;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Wire() {
    }

    private static byte[] prologue() {
        byte[] name = "portforward-hop/1".getBytes(StandardCharsets.US_ASCII);
        byte[] p = new byte[name.length + 1];
        System.arraycopy(name, 0, p, 0, name.length);
        p[name.length] = VERSION;
        return p;
    }

    /** What the initiator says of itself; it has no forward secrecy, so it holds nothing secret. */
    public record Hello(boolean agentLink, long unixMillis, int heartbeatMillis) {
        public byte[] encode() {
            byte[] random = new byte[16];
            RANDOM.nextBytes(random);
            return ByteBuffer.allocate(HELLO_BYTES).put(VERSION).put(agentLink ? ROLE_AGENT : ROLE_CLIENT)
                    .put((byte) 0).putLong(unixMillis).putInt(heartbeatMillis).put(random).array();
        }

        /** Empty when the payload is not a hello of this version. */
        public static Optional<Hello> decode(byte[] payload) {
            if (payload.length != HELLO_BYTES || payload[0] != VERSION || (payload[1] & 0xfe) != 0) {
                return Optional.empty();
            }
            ByteBuffer b = ByteBuffer.wrap(payload, 3, 12);
            return Optional.of(new Hello(payload[1] == ROLE_AGENT, b.getLong(), b.getInt()));
        }
    }

    /** The responder's payload: its version and no flags yet. */
    public static byte[] welcome() {
        return new byte[] {VERSION, 0};
    }

    public static boolean isWelcome(byte[] payload) {
        return payload.length == 2 && payload[0] == VERSION && payload[1] == 0;
    }

    /** OPEN's body: family (0 none, 4 or 6), the address bytes, the port. */
    static byte[] openBody(Optional<InetSocketAddress> client) {
        if (client.isEmpty() || client.get().getAddress() == null) {
            return new byte[] {0};
        }
        byte[] ip = client.get().getAddress().getAddress();
        return ByteBuffer.allocate(1 + ip.length + 2).put((byte) (ip.length == 4 ? 4 : 6)).put(ip)
                .putShort((short) client.get().getPort()).array();
    }

    /** Empty for an OPEN without an address; an exception for a malformed one. */
    static Optional<InetSocketAddress> decodeOpen(ByteBuffer body) throws HopException {
        int family = body.remaining() == 0 ? -1 : body.get();
        int ipBytes = family == 4 ? 4 : family == 6 ? 16 : 0;
        if (family == 0 && body.remaining() == 0) {
            return Optional.empty();
        }
        if (ipBytes == 0 || body.remaining() != ipBytes + 2) {
            throw new HopException("malformed OPEN record");
        }
        byte[] ip = new byte[ipBytes];
        body.get(ip);
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(ip), body.getShort() & 0xffff));
        } catch (UnknownHostException e) {
            throw new HopException("malformed OPEN record");
        }
    }
}
