package portforward.hop.secure.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import portforward.hop.noise.CipherState;
import portforward.hop.noise.NoiseHandshake;
import portforward.hop.secure.ReplayCache;
import portforward.hop.secure.Wire;

/**
 * The TCP hop's two handshake messages (same protocol, prologue and payloads), each in a datagram
 * of its own with the indices in front. The initiator's {@link Offer} is sent again as it is until
 * answered; the responder's {@link Answer} is kept so that a duplicate first message gets the very
 * same reply, and no second set of keys.
 */
final class DatagramHandshake {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long MIN_HEARTBEAT_MILLIS = 50;
    private static final long MAX_HEARTBEAT_MILLIS = 3_600_000;

    private DatagramHandshake() {
    }

    /** The initiator's first message, and what it needs to read the reply. */
    static final class Offer {
        final byte[] hello;
        private final NoiseHandshake noise;
        private final int index;
        private final long bornNanos = System.nanoTime();
        private boolean failed;

        private Offer(NoiseHandshake noise, int index, byte[] hello) {
            this.noise = noise;
            this.index = index;
            this.hello = hello;
        }

        long ageNanos() {
            return System.nanoTime() - bornNanos;
        }

        /** A noise handshake that read a forged reply refuses to go on: a new offer is needed. */
        boolean spoiled() {
            return failed;
        }

        /** The keys, if {@code welcome} (not taken) is the reply to this offer. */
        Optional<Keypair> accept(ByteBuf welcome) {
            int at = welcome.readerIndex();
            if (failed || welcome.readableBytes() != DatagramWire.WELCOME_LENGTH
                    || welcome.getInt(at + 1 + DatagramWire.INDEX) != index) {
                return Optional.empty();
            }
            int skip = 1 + 2 * DatagramWire.INDEX;
            try {
                byte[] payload = noise.readMessage(ByteBufUtil.getBytes(welcome, at + skip, welcome.readableBytes() - skip));
                if (!Wire.isWelcome(payload)) {
                    failed = true;
                    return Optional.empty();
                }
            } catch (GeneralSecurityException e) {
                failed = true;
                return Optional.empty();
            }
            CipherState[] split = noise.split();
            return Optional.of(new Keypair(index, welcome.getInt(at + 1), split[0], split[1]));
        }
    }

    static Offer offer(DatagramHopSettings settings, boolean agentLink) throws GeneralSecurityException {
        NoiseHandshake noise = NoiseHandshake.initiator(Wire.PROTOCOL, Wire.PROLOGUE, settings.hop().secret().bytes());
        int index = RANDOM.nextInt();
        long beat = settings.hop().heartbeat().toMillis();
        byte[] message = noise.writeMessage(new Wire.Hello(agentLink, settings.hop().clock().millis(),
                (int) Math.min(beat, Integer.MAX_VALUE)).encode());
        byte[] hello = ByteBuffer.allocate(1 + DatagramWire.INDEX + message.length).put(DatagramWire.HELLO).putInt(index)
                .put(message).array();
        return new Offer(noise, index, hello);
    }

    /** The responder's reply to one first message, and the keys it set up. */
    record Answer(byte[] hello, byte[] welcome, Keypair keys, long heartbeatMillis) {
        boolean answers(byte[] other) {
            return Arrays.equals(hello, other);
        }
    }

    /** A first message that is refused, and why (for the log: the peer is told nothing). */
    static final class Refused extends Exception {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    static Answer answer(DatagramHopSettings settings, ReplayCache replays, byte[] hello) throws Refused {
        if (hello.length != DatagramWire.HELLO_LENGTH || hello[0] != DatagramWire.HELLO) {
            throw new Refused("not a first message of this version");
        }
        NoiseHandshake noise = NoiseHandshake.responder(Wire.PROTOCOL, Wire.PROLOGUE, settings.hop().secret().bytes());
        int skip = 1 + DatagramWire.INDEX;
        try {
            Optional<Wire.Hello> said = Wire.Hello.decode(noise.readMessage(Arrays.copyOfRange(hello, skip, hello.length)));
            if (said.isEmpty()) {
                throw new Refused("its first message is of another version");
            }
            String refusal = replays.check(noise.remoteEphemeral(), said.get().unixMillis(), settings.hop().clock().millis());
            if (refusal != null) {
                throw new Refused(refusal);
            }
            int index = RANDOM.nextInt();
            int peer = ByteBuffer.wrap(hello, 1, DatagramWire.INDEX).getInt();
            byte[] message = noise.writeMessage(Wire.welcome());
            byte[] welcome = ByteBuffer.allocate(DatagramWire.WELCOME_LENGTH).put(DatagramWire.WELCOME).putInt(index)
                    .putInt(peer).put(message).array();
            CipherState[] split = noise.split();
            long beat = Math.max(MIN_HEARTBEAT_MILLIS, Math.min(MAX_HEARTBEAT_MILLIS, said.get().heartbeatMillis()));
            return new Answer(hello, welcome, new Keypair(index, peer, split[1], split[0]), beat);
        } catch (GeneralSecurityException e) {
            throw new Refused("its first message did not authenticate (no secret, or a different one)");
        }
    }
}
