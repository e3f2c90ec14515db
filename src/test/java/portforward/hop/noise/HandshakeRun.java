package portforward.hop.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/**
 * One NN or NNpsk0 handshake with fixed ephemerals, so every run writes the same bytes, and a
 * hook to tamper with each message in flight. Reports where it stopped; runtime exceptions fly.
 */
final class HandshakeRun {
    enum Outcome { REJECTED_MESSAGE_1, REJECTED_MESSAGE_2, COMPLETED }

    static final byte[] PROLOGUE = "portforward-hop/1\u0001".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PSK = HexFormat.of().parseHex("54686973206973206d7920417573747269616e20706572737065637469766521");
    static final byte[] OTHER_PSK = HexFormat.of().parseHex("00686973206973206d7920417573747269616e20706572737065637469766521");
    static final byte[] PAYLOAD_1 = "hello from the initiator".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PAYLOAD_2 = "hello back".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INIT_EPHEMERAL =
            HexFormat.of().parseHex("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a");
    private static final byte[] RESP_EPHEMERAL =
            HexFormat.of().parseHex("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b");

    final NoiseHandshake initiator;
    final NoiseHandshake responder;

    HandshakeRun(String protocol, byte[] initiatorPsk, byte[] responderPsk) {
        this(NoiseHandshake.initiator(protocol, PROLOGUE, initiatorPsk),
                NoiseHandshake.responder(protocol, PROLOGUE, responderPsk));
    }

    HandshakeRun(NoiseHandshake initiator, NoiseHandshake responder) {
        this.initiator = initiator.withEphemeral(INIT_EPHEMERAL);
        this.responder = responder.withEphemeral(RESP_EPHEMERAL);
    }

    static HandshakeRun of(String protocol) {
        byte[] psk = protocol.equals(NoiseHandshake.NN) ? null : PSK;
        return new HandshakeRun(protocol, psk, psk);
    }

    static byte[] message1(String protocol) throws GeneralSecurityException {
        return of(protocol).initiator.writeMessage(PAYLOAD_1);
    }

    static byte[] message2(String protocol) throws GeneralSecurityException {
        HandshakeRun run = of(protocol);
        run.responder.readMessage(run.initiator.writeMessage(PAYLOAD_1));
        return run.responder.writeMessage(PAYLOAD_2);
    }

    Outcome run(UnaryOperator<byte[]> onMessage1, UnaryOperator<byte[]> onMessage2) throws GeneralSecurityException {
        byte[] message1 = onMessage1.apply(initiator.writeMessage(PAYLOAD_1));
        byte[] message2;
        try {
            responder.readMessage(message1);
            message2 = onMessage2.apply(responder.writeMessage(PAYLOAD_2));
        } catch (GeneralSecurityException e) {
            return Outcome.REJECTED_MESSAGE_1;
        }
        try {
            initiator.readMessage(message2);
        } catch (GeneralSecurityException e) {
            return Outcome.REJECTED_MESSAGE_2;
        }
        return Outcome.COMPLETED;
    }

    static UnaryOperator<byte[]> flip(int index, int bit) {
        return message -> {
            byte[] copy = message.clone();
            copy[index] ^= (byte) (1 << bit);
            return copy;
        };
    }

    static UnaryOperator<byte[]> truncate(int length) {
        return message -> Arrays.copyOf(message, length);
    }
}
