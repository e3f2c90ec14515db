package portforward.hop.secure;

import static portforward.hop.secure.Replies.assertNothing;
import static portforward.hop.secure.Replies.sendQuietly;
import static portforward.hop.secure.Replies.shutdownQuietly;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Random;
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
 * The initiator's side: a raw responder that holds the secret answers a real relay's H1 with an
 * H2 that has one byte flipped. The relay must give up on the hop, close its client without a
 * byte, and send nothing more (no READY, no client data) to a responder that did not authenticate.
 * The same for seeded random replies, and for well-formed H2s made under another secret.
 */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class ForgedWelcomeTest {
    @TempDir
    Path dir;

    private interface Reply {
        /** What the forged responder sends for connection {@code i}, given the relay's H1. */
        byte[] to(int i, byte[] h1) throws Exception;
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void everyByteOfTheReplyFlippedClosesTheClient(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        int h2Length = Wire.LENGTH_BYTES + 32 + 2 + Wire.TAG;
        assertForgedRepliesRefused(transport, key, h2Length,
                (i, h1) -> RawPeer.flipped(RawPeer.responder(key.psk()).welcome(h1), i, 0x01));
    }

    /** Seeded: random frames, of H2's size and others, and real H2s under another secret. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void randomRepliesCloseTheClient(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        Random random = new Random(0xF0_12EDL);
        assertForgedRepliesRefused(transport, key, 300, (i, h1) -> {
            byte[] body = new byte[random.nextBoolean() ? 32 + 2 + Wire.TAG : random.nextInt(700)];
            random.nextBytes(body);
            byte[] reply = RawPeer.frame(body);
            if (random.nextBoolean()) {
                return reply;
            }
            // Without the secret H1 cannot be read, but a whole handshake of one's own can be made.
            byte[] other = HopKey.other();
            return RawPeer.responder(other).welcome(RawPeer.initiator(other).hello());
        });
    }

    private static void assertForgedRepliesRefused(Transport transport, HopKey key, int count, Reply reply)
            throws Exception {
        try (ServerSocket responder = new ServerSocket()) {
            responder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            responder.setSoTimeout(Sockets.READ_TIMEOUT_MS);
            try (TestRelay relay = TestRelay.start(transport, "--secret-file", key.file(), "tcp", "listen:127.0.0.1:0",
                    "conn+s:127.0.0.1:" + responder.getLocalPort())) {
                for (int i = 0; i < count; i++) {
                    try (Socket client = Sockets.connect(relay.port()); Socket hop = responder.accept()) {
                        Sockets.send(client, "marker");
                        sendQuietly(hop, reply.to(i, RawPeer.readFrame(hop)));
                        shutdownQuietly(hop); // a longer length would wait for more: end the wait
                        assertNothing(client, "the client, forged reply " + i);
                        assertNothing(hop, "the forged responder, reply " + i);
                    }
                }
            }
        }
    }
}
