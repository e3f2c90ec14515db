package portforward.forward.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static portforward.support.Sockets.connect;
import static portforward.support.Sockets.readText;
import static portforward.support.Sockets.send;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.HandshakeTurns;
import portforward.support.Counters;
import portforward.support.HeldLoops;
import portforward.support.LeakCheck;
import portforward.support.SecretFile;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * More new links at once through a fresh secure forward than a listen+s end lets one source have
 * handshakes pending (64), arriving while that end is busy: every link gets through, and the far
 * end refuses none, because the dialling relay takes turns.
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class SecureBurstTest {
    private static final int LINKS = 200;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aBurstOfNewLinksBeyondTheFarEndsBoundAllGetThrough(Transport transport) throws Exception {
        String key = SecretFile.create();
        List<Socket> clients = new ArrayList<>();
        try (TcpServer echo = TcpServer.echo();
                TestRelay far = TestRelay.start(transport, "--secret-file", key, "tcp", "listen+s:127.0.0.1:0",
                        "conn:127.0.0.1:" + echo.port());
                TestRelay near = TestRelay.start(transport, "--secret-file", key, "tcp", "listen:127.0.0.1:0",
                        "conn+s:127.0.0.1:" + far.port())) {
            try {
                try (HeldLoops busy = HeldLoops.hold(far.context().group())) {
                    for (int i = 0; i < LINKS; i++) {
                        Socket client = connect(near.port());
                        clients.add(client);
                        send(client, String.format("link %03d", i));
                    }
                    near.await("every dial under way or waiting its turn",
                            e -> e.handshakesWaiting() == LINKS - HandshakeTurns.IN_FLIGHT);
                    Counters.awaitAtLeast(() -> Sockets.unreadConnections(far.port()), HandshakeTurns.IN_FLIGHT,
                            "connections to the far end with a first message unread");
                }
                for (int i = 0; i < LINKS; i++) {
                    assertEquals(String.format("link %03d", i), readText(clients.get(i), 8));
                }
            } finally {
                for (Socket client : clients) {
                    closeQuietly(client);
                }
            }
            assertEquals(0, far.forwarder().secureListeners().get(0).refused(), "handshakes the far end refused");
            assertEquals(LINKS, near.events().handshakesOk());
            assertEquals(0, near.events().handshakesWaiting());
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the test's outcome is decided already
        }
    }
}
