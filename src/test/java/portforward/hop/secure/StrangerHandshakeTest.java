package portforward.hop.secure;

import static portforward.hop.secure.Replies.assertNothing;
import static portforward.hop.secure.Replies.assertOnlyRefused;
import static portforward.hop.secure.Replies.sendQuietly;
import static portforward.hop.secure.Replies.shutdownQuietly;

import java.net.Socket;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.Sockets;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * A listen+s responder facing first messages that are not quite right: another secret, a flipped
 * bit anywhere, a cut anywhere, an impossible length. Each gets not one byte, and a close that the
 * responder makes by itself; none counts as accepted.
 */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class StrangerHandshakeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aWrongSecretGetsNothing(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        try (TestRelay relay = key.rendezvous(transport); Socket s = Sockets.connect(relay.port(1))) {
            // Not half-closed: the responder must close by itself as soon as H1 fails to open.
            sendQuietly(s, RawPeer.initiator(HopKey.other()).hello());
            assertNothing(s, "a wrong secret");
            assertOnlyRefused(relay, 1);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void everyByteOfTheFirstMessageFlippedGetsNothing(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        byte[] h1 = RawPeer.initiator(key.psk()).hello();
        try (TestRelay relay = key.rendezvous(transport)) {
            for (int i = 0; i < h1.length; i++) {
                try (Socket s = Sockets.connect(relay.port(1))) {
                    sendQuietly(s, RawPeer.flipped(h1, i, 0x01));
                    // A longer length waits for bytes that never come: the half-close ends that wait.
                    shutdownQuietly(s);
                    assertNothing(s, "H1 with byte " + i + " flipped");
                }
            }
            assertOnlyRefused(relay, h1.length);
            // The untampered message would have been taken: the flips, not the key, made the refusals.
            try (Socket s = Sockets.connect(relay.port(1))) {
                RawPeer.handshake(s, key.psk());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aFirstMessageCutAtEveryOffsetGetsNothing(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        byte[] h1 = RawPeer.initiator(key.psk()).hello();
        try (TestRelay relay = key.rendezvous(transport)) {
            for (int cut = 0; cut < h1.length; cut++) {
                try (Socket s = Sockets.connect(relay.port(1))) {
                    sendQuietly(s, Arrays.copyOf(h1, cut));
                    shutdownQuietly(s);
                    assertNothing(s, "H1 cut after " + cut + " bytes");
                }
            }
            assertOnlyRefused(relay, h1.length);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void lengthsOfZeroAndOverTheHandshakeLimitAreClosedAtOnce(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        int[] lengths = {0, Wire.HANDSHAKE_MAX + 1, Wire.FRAME_MAX};
        try (TestRelay relay = key.rendezvous(transport)) {
            for (int length : lengths) {
                try (Socket s = Sockets.connect(relay.port(1))) {
                    // Only the length: an oversized frame is refused before its body is waited for.
                    sendQuietly(s, new byte[] {(byte) (length >> 8), (byte) length});
                    assertNothing(s, "a frame length of " + length);
                }
            }
            assertOnlyRefused(relay, lengths.length);
        }
    }
}
