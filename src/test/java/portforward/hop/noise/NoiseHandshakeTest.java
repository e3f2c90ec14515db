package portforward.hop.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.hop.noise.HandshakeRun.OTHER_PSK;
import static portforward.hop.noise.HandshakeRun.PAYLOAD_1;
import static portforward.hop.noise.HandshakeRun.PAYLOAD_2;
import static portforward.hop.noise.HandshakeRun.PROLOGUE;
import static portforward.hop.noise.HandshakeRun.PSK;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class NoiseHandshakeTest {

    @ParameterizedTest
    @ValueSource(strings = {NoiseHandshake.NN, NoiseHandshake.NN_PSK0})
    void randomEphemeralsAgreeOnKeysAndHash(String protocol) throws GeneralSecurityException {
        byte[] psk = protocol.equals(NoiseHandshake.NN) ? null : PSK;
        NoiseHandshake initiator = NoiseHandshake.initiator(protocol, PROLOGUE, psk);
        NoiseHandshake responder = NoiseHandshake.responder(protocol, PROLOGUE, psk);
        byte[] message1 = initiator.writeMessage(PAYLOAD_1);
        assertArrayEquals(PAYLOAD_1, responder.readMessage(message1));
        assertArrayEquals(Arrays.copyOf(message1, 32), responder.remoteEphemeral());
        byte[] message2 = responder.writeMessage(PAYLOAD_2);
        assertArrayEquals(PAYLOAD_2, initiator.readMessage(message2));
        assertArrayEquals(Arrays.copyOf(message2, 32), initiator.remoteEphemeral());
        assertArrayEquals(initiator.handshakeHash(), responder.handshakeHash());

        CipherState[] i = initiator.split();
        CipherState[] r = responder.split();
        byte[] ad = {1, 2};
        assertArrayEquals(PAYLOAD_1, r[0].decryptWithAd(ad, i[0].encryptWithAd(ad, PAYLOAD_1)));
        assertArrayEquals(PAYLOAD_2, i[1].decryptWithAd(ad, r[1].encryptWithAd(ad, PAYLOAD_2)));
        assertThrows(IllegalStateException.class, initiator::split, "a second split would reuse nonces");
    }

    @Test
    void aWrongPskOnEitherSideIsRejectedByTheResponder() throws GeneralSecurityException {
        assertEquals(HandshakeRun.Outcome.REJECTED_MESSAGE_1, new HandshakeRun(NoiseHandshake.NN_PSK0, PSK, OTHER_PSK)
                .run(UnaryOperator.identity(), UnaryOperator.identity()));
        assertEquals(HandshakeRun.Outcome.REJECTED_MESSAGE_1, new HandshakeRun(NoiseHandshake.NN_PSK0, OTHER_PSK, PSK)
                .run(UnaryOperator.identity(), UnaryOperator.identity()));
    }

    @Test
    void aDifferentPrologueFailsTheHandshake() throws GeneralSecurityException {
        byte[] other = "portforward-hop/1\u0002".getBytes(StandardCharsets.US_ASCII);
        assertEquals(HandshakeRun.Outcome.REJECTED_MESSAGE_1, new HandshakeRun(
                NoiseHandshake.initiator(NoiseHandshake.NN_PSK0, PROLOGUE, PSK),
                NoiseHandshake.responder(NoiseHandshake.NN_PSK0, other, PSK))
                .run(UnaryOperator.identity(), UnaryOperator.identity()));
        assertEquals(HandshakeRun.Outcome.REJECTED_MESSAGE_2, new HandshakeRun(
                NoiseHandshake.initiator(NoiseHandshake.NN, PROLOGUE, null),
                NoiseHandshake.responder(NoiseHandshake.NN, other, null))
                .run(UnaryOperator.identity(), UnaryOperator.identity()));
    }

    @Test
    void afterAFailureTheHandshakeIsDead() throws GeneralSecurityException {
        byte[] good = HandshakeRun.message1(NoiseHandshake.NN_PSK0);
        NoiseHandshake responder = HandshakeRun.of(NoiseHandshake.NN_PSK0).responder;
        assertThrows(AEADBadTagException.class, () -> responder.readMessage(HandshakeRun.flip(40, 0).apply(good)));
        assertThrows(GeneralSecurityException.class, () -> responder.readMessage(good));
        assertThrows(GeneralSecurityException.class, () -> responder.writeMessage(PAYLOAD_2));
        assertFalse(responder.isComplete());
        assertThrows(IllegalStateException.class, responder::split);
    }

    @Test
    void aMessageOutOfTurnIsAGeneralSecurityException() throws GeneralSecurityException {
        HandshakeRun run = HandshakeRun.of(NoiseHandshake.NN_PSK0);
        byte[] message1 = run.initiator.writeMessage(PAYLOAD_1);
        assertThrows(GeneralSecurityException.class, () -> run.initiator.readMessage(message1));

        NoiseHandshake responder = HandshakeRun.of(NoiseHandshake.NN_PSK0).responder;
        responder.readMessage(message1);
        assertThrows(GeneralSecurityException.class, () -> responder.readMessage(message1), "a replayed message 1");
    }

    @Test
    void aMessageLongerThanNoiseAllowsIsRejectedBeforeAnyWork() {
        NoiseHandshake responder = HandshakeRun.of(NoiseHandshake.NN).responder;
        assertThrows(GeneralSecurityException.class, () -> responder.readMessage(new byte[65536]));
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeRun.of(NoiseHandshake.NN).initiator.writeMessage(new byte[65535 - 32 - 16 + 1]));
    }

    /** An all-zero key is a small-order point: X25519 gives an all-zero secret, which the JDK refuses. */
    @ParameterizedTest
    @ValueSource(strings = {NoiseHandshake.NN, NoiseHandshake.NN_PSK0})
    void aSmallOrderEphemeralIsAGeneralSecurityException(String protocol) throws GeneralSecurityException {
        assertEquals(HandshakeRun.Outcome.REJECTED_MESSAGE_2, HandshakeRun.of(protocol)
                .run(UnaryOperator.identity(), message -> {
                    byte[] zeroed = message.clone();
                    Arrays.fill(zeroed, 0, 32, (byte) 0);
                    return zeroed;
                }));
    }

    @Test
    void theProtocolNameAndPskMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> NoiseHandshake.initiator(NoiseHandshake.NN, PROLOGUE, PSK));
        assertThrows(IllegalArgumentException.class,
                () -> NoiseHandshake.initiator(NoiseHandshake.NN_PSK0, PROLOGUE, null));
        assertThrows(IllegalArgumentException.class,
                () -> NoiseHandshake.responder(NoiseHandshake.NN_PSK0, PROLOGUE, new byte[16]));
        assertThrows(IllegalArgumentException.class,
                () -> NoiseHandshake.responder("Noise_XX_25519_AESGCM_SHA256", PROLOGUE, null));
    }

    @Test
    void completionIsReportedOnlyAfterTheLastMessage() throws GeneralSecurityException {
        HandshakeRun run = HandshakeRun.of(NoiseHandshake.NN);
        run.responder.readMessage(run.initiator.writeMessage(PAYLOAD_1));
        assertFalse(run.initiator.isComplete() || run.responder.isComplete());
        assertThrows(IllegalStateException.class, run.responder::split);
        run.initiator.readMessage(run.responder.writeMessage(PAYLOAD_2));
        assertTrue(run.initiator.isComplete() && run.responder.isComplete());
    }
}
