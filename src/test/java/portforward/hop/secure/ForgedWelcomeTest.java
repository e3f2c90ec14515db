package portforward.hop.secure;

import static portforward.hop.secure.Replies.assertNothing;
import static portforward.hop.secure.Replies.sendQuietly;
import static portforward.hop.secure.Replies.shutdownQuietly;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
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
 */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class ForgedWelcomeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void everyByteOfTheReplyFlippedClosesTheClient(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        try (ServerSocket responder = new ServerSocket()) {
            responder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            responder.setSoTimeout(Sockets.READ_TIMEOUT_MS);
            try (TestRelay relay = TestRelay.start(transport, "--secret-file", key.file(), "tcp", "listen:127.0.0.1:0",
                    "conn+s:127.0.0.1:" + responder.getLocalPort())) {
                int h2Length = Wire.LENGTH_BYTES + 32 + 2 + Wire.TAG;
                for (int i = 0; i < h2Length; i++) {
                    try (Socket client = Sockets.connect(relay.port()); Socket hop = responder.accept()) {
                        Sockets.send(client, "marker");
                        byte[] h2 = RawPeer.responder(key.psk()).welcome(RawPeer.readFrame(hop));
                        sendQuietly(hop, RawPeer.flipped(h2, i, 0x01));
                        shutdownQuietly(hop); // a longer length would wait for more: end the wait
                        assertNothing(client, "the client, H2 byte " + i + " flipped");
                        assertNothing(hop, "the forged responder, H2 byte " + i + " flipped");
                    }
                }
            }
        }
    }
}
