package portforward.hop.secure;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import portforward.hop.noise.CipherState;
import portforward.hop.noise.NoiseHandshake;

/**
 * One end of a secure hop written out by hand, outside Netty, so that a test can craft, keep,
 * replay and tamper with each frame. Every method returns or takes whole frames (length bytes
 * first), as they travel on the wire; nothing here touches a socket except {@link #readFrame}.
 */
final class RawPeer {
    private final NoiseHandshake noise;
    private final boolean initiator;
    private CipherState send;
    private CipherState receive;

    private RawPeer(NoiseHandshake noise, boolean initiator) {
        this.noise = noise;
        this.initiator = initiator;
    }

    static RawPeer initiator(byte[] psk) {
        return new RawPeer(NoiseHandshake.initiator(Wire.PROTOCOL, Wire.PROLOGUE, psk), true);
    }

    static RawPeer responder(byte[] psk) {
        return new RawPeer(NoiseHandshake.responder(Wire.PROTOCOL, Wire.PROLOGUE, psk), false);
    }

    /** H1, dated {@code unixMillis} by the initiator's clock. */
    byte[] hello(long unixMillis, boolean agentLink) throws GeneralSecurityException {
        return frame(noise.writeMessage(new Wire.Hello(agentLink, unixMillis, 25_000).encode()));
    }

    /** H1 dated now, from a client (not an agent's pooled link). */
    byte[] hello() throws GeneralSecurityException {
        return hello(System.currentTimeMillis(), false);
    }

    /** Runs a whole initiator's handshake on {@code s} and proves the key with READY, as a real client does. */
    static RawPeer handshake(Socket s, byte[] psk) throws IOException, GeneralSecurityException {
        RawPeer peer = initiator(psk);
        s.getOutputStream().write(peer.hello());
        peer.finish(readFrame(s));
        s.getOutputStream().write(peer.record(Wire.READY, new byte[0]));
        return peer;
    }

    /** The responder's side: opens H1 and returns H2; the record keys are set. */
    byte[] welcome(byte[] h1) throws GeneralSecurityException {
        noise.readMessage(body(h1));
        byte[] h2 = frame(noise.writeMessage(Wire.welcome()));
        split();
        return h2;
    }

    /** The initiator's side: opens H2; the record keys are set. */
    void finish(byte[] h2) throws GeneralSecurityException {
        byte[] payload = noise.readMessage(body(h2));
        if (!Wire.isWelcome(payload)) {
            throw new GeneralSecurityException("H2 carried no welcome");
        }
        split();
    }

    private void split() {
        CipherState[] both = noise.split();
        send = both[initiator ? 0 : 1];
        receive = both[initiator ? 1 : 0];
    }

    /** One sealed record: u16 length | AES-GCM(type | body), the length bytes as additional data. */
    byte[] record(byte type, byte[] body) throws GeneralSecurityException {
        int length = 1 + body.length + Wire.TAG;
        byte[] ad = {(byte) (length >> 8), (byte) length};
        byte[] plain = new byte[1 + body.length];
        plain[0] = type;
        System.arraycopy(body, 0, plain, 1, body.length);
        return frame(send.encryptWithAd(ad, plain));
    }

    /** Opens a record from the peer: type, then body. */
    byte[] open(byte[] record) throws GeneralSecurityException {
        return receive.decryptWithAd(Arrays.copyOf(record, Wire.LENGTH_BYTES), body(record));
    }

    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(Wire.LENGTH_BYTES + body.length).putShort((short) body.length).put(body).array();
    }

    private static byte[] body(byte[] frame) {
        return Arrays.copyOfRange(frame, Wire.LENGTH_BYTES, frame.length);
    }

    /** The next whole frame from {@code s}, length bytes included. */
    static byte[] readFrame(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        int length = new DataInputStream(in).readUnsignedShort();
        byte[] frame = new byte[Wire.LENGTH_BYTES + length];
        frame[0] = (byte) (length >> 8);
        frame[1] = (byte) length;
        if (in.readNBytes(frame, Wire.LENGTH_BYTES, length) != length) {
            throw new IOException("the frame was cut");
        }
        return frame;
    }

    /** A copy of {@code bytes} with byte {@code i} xor {@code mask}. */
    static byte[] flipped(byte[] bytes, int i, int mask) {
        byte[] copy = bytes.clone();
        copy[i] ^= (byte) mask;
        return copy;
    }
}
