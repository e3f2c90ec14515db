package portforward.hop.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static portforward.hop.noise.HandshakeRun.Outcome.COMPLETED;
import static portforward.hop.noise.HandshakeRun.Outcome.REJECTED_MESSAGE_1;
import static portforward.hop.noise.HandshakeRun.Outcome.REJECTED_MESSAGE_2;
import static portforward.hop.noise.HandshakeRun.flip;
import static portforward.hop.noise.HandshakeRun.truncate;

import java.security.GeneralSecurityException;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bit of both handshake messages flipped, and both cut at every length: the handshake never
 * completes and fails with a GeneralSecurityException (a runtime exception fails the test).
 */
@Timeout(60)
class HandshakeTamperingTest {

    private static HandshakeRun.Outcome run(String protocol, UnaryOperator<byte[]> on1, UnaryOperator<byte[]> on2)
            throws GeneralSecurityException {
        return HandshakeRun.of(protocol).run(on1, on2);
    }

    private interface FlipCheck {
        void check(UnaryOperator<byte[]> flip, String where) throws GeneralSecurityException;
    }

    private static void forEveryBit(int length, FlipCheck check) throws GeneralSecurityException {
        for (int i = 0; i < length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                check.check(flip(i, bit), "byte " + i + " bit " + bit);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {NoiseHandshake.NN, NoiseHandshake.NN_PSK0})
    void untouchedMessagesComplete(String protocol) throws GeneralSecurityException {
        assertEquals(COMPLETED, run(protocol, UnaryOperator.identity(), UnaryOperator.identity()));
    }

    @Test
    void withAPskTheResponderRejectsEveryFlippedBitOfMessage1() throws GeneralSecurityException {
        forEveryBit(HandshakeRun.message1(NoiseHandshake.NN_PSK0).length, (flip, where) ->
                assertEquals(REJECTED_MESSAGE_1, run(NoiseHandshake.NN_PSK0, flip, UnaryOperator.identity()), where));
    }

    /** NN's first payload is in the clear; the transcript hash makes message 2 fail instead. */
    @Test
    void withoutAPskEveryFlippedBitOfMessage1FailsTheHandshake() throws GeneralSecurityException {
        forEveryBit(HandshakeRun.message1(NoiseHandshake.NN).length, (flip, where) ->
                assertNotEquals(COMPLETED, run(NoiseHandshake.NN, flip, UnaryOperator.identity()), where));
    }

    @ParameterizedTest
    @ValueSource(strings = {NoiseHandshake.NN, NoiseHandshake.NN_PSK0})
    void theInitiatorRejectsEveryFlippedBitOfMessage2(String protocol) throws GeneralSecurityException {
        forEveryBit(HandshakeRun.message2(protocol).length, (flip, where) ->
                assertEquals(REJECTED_MESSAGE_2, run(protocol, UnaryOperator.identity(), flip), where));
    }

    @ParameterizedTest
    @ValueSource(strings = {NoiseHandshake.NN, NoiseHandshake.NN_PSK0})
    void message1CutAtAnyLengthFails(String protocol) throws GeneralSecurityException {
        int length = HandshakeRun.message1(protocol).length;
        for (int cut = 0; cut < length; cut++) {
            HandshakeRun.Outcome outcome = run(protocol, truncate(cut), UnaryOperator.identity());
            if (cut < 32 || protocol.equals(NoiseHandshake.NN_PSK0)) {
                assertEquals(REJECTED_MESSAGE_1, outcome, "cut at " + cut);
            } else {
                assertNotEquals(COMPLETED, outcome, "cut at " + cut);
            }
        }
        assertNotEquals(COMPLETED, run(protocol, truncate(length + 1), UnaryOperator.identity()), "one byte more");
    }

    @ParameterizedTest
    @ValueSource(strings = {NoiseHandshake.NN, NoiseHandshake.NN_PSK0})
    void message2CutAtAnyLengthFails(String protocol) throws GeneralSecurityException {
        int length = HandshakeRun.message2(protocol).length;
        for (int cut = 0; cut <= length + 1; cut++) {
            if (cut != length) {
                assertEquals(REJECTED_MESSAGE_2, run(protocol, UnaryOperator.identity(), truncate(cut)), "cut at " + cut);
            }
        }
    }

    /** Random bytes where message 2 belongs: always rejected, never a runtime exception. */
    @ParameterizedTest
    @ValueSource(strings = {NoiseHandshake.NN, NoiseHandshake.NN_PSK0})
    void seededRandomMessagesAreRejected(String protocol) throws GeneralSecurityException {
        Random random = new Random(0x5eed_0001L);
        for (int i = 0; i < 500; i++) {
            byte[] junk = new byte[random.nextInt(120)];
            random.nextBytes(junk);
            assertEquals(REJECTED_MESSAGE_2, run(protocol, UnaryOperator.identity(), message -> junk), "case " + i);
            if (protocol.equals(NoiseHandshake.NN_PSK0)) {
                assertEquals(REJECTED_MESSAGE_1, run(protocol, message -> junk, UnaryOperator.identity()), "case " + i);
            }
        }
    }
}
