package portforward.hop.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Known answers: every handshake and transport message byte for byte, and the handshake hash. */
@Timeout(30)
class NoiseVectorsTest {

    static List<NoiseVectors> vectors() {
        return NoiseVectors.load();
    }

    @Test
    void bothPatternsAreCovered() {
        Set<String> names = vectors().stream().map(NoiseVectors::protocolName).collect(Collectors.toSet());
        assertEquals(Set.of(NoiseHandshake.NN, NoiseHandshake.NN_PSK0), names);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void matchesTheVector(NoiseVectors v) throws GeneralSecurityException {
        byte[] psk = v.psk().orElse(null);
        NoiseHandshake initiator = NoiseHandshake.initiator(v.protocolName(), v.prologue(), psk)
                .withEphemeral(v.initEphemeral());
        NoiseHandshake responder = NoiseHandshake.responder(v.protocolName(), v.prologue(), psk)
                .withEphemeral(v.respEphemeral());
        List<NoiseVectors.Message> messages = v.messages();
        assertTrue(messages.size() > 2, "the vector has transport messages too");

        byte[] first = initiator.writeMessage(messages.get(0).payload());
        assertArrayEquals(messages.get(0).ciphertext(), first);
        assertArrayEquals(messages.get(0).payload(), responder.readMessage(first));
        byte[] second = responder.writeMessage(messages.get(1).payload());
        assertArrayEquals(messages.get(1).ciphertext(), second);
        assertArrayEquals(messages.get(1).payload(), initiator.readMessage(second));

        assertTrue(initiator.isComplete() && responder.isComplete());
        assertArrayEquals(v.handshakeHash(), initiator.handshakeHash());
        assertArrayEquals(v.handshakeHash(), responder.handshakeHash());

        CipherState[] initiatorSide = initiator.split();
        CipherState[] responderSide = responder.split();
        for (int i = 2; i < messages.size(); i++) {
            boolean fromInitiator = i % 2 == 0;
            CipherState sender = fromInitiator ? initiatorSide[0] : responderSide[1];
            CipherState receiver = fromInitiator ? responderSide[0] : initiatorSide[1];
            byte[] ciphertext = sender.encryptWithAd(new byte[0], messages.get(i).payload());
            assertArrayEquals(messages.get(i).ciphertext(), ciphertext, "transport message " + i);
            assertArrayEquals(messages.get(i).payload(), receiver.decryptWithAd(new byte[0], ciphertext));
        }
    }
}
