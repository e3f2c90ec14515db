package portforward.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.Refusal;
import portforward.support.LeakCheck;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/** --max-links under a burst: the first N become links, the rest are closed at once and counted. */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class MaxLinksTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aBurstBeyondTheLimitIsClosedAtOnceAndCounted(Transport transport) throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.start(transport, "--max-links", "3", "tcp", "listen:127.0.0.1:0",
                        "conn:127.0.0.1:" + echo.port())) {
            for (int i = 0; i < 20; i++) {
                clients.add(Sockets.connect(relay.port())); // all at once: nobody waits for an answer first
            }
            relay.await("17 refusals", e -> e.refused(Refusal.MAX_LINKS) == 17);
            List<Socket> served = new ArrayList<>();
            for (Socket c : clients) {
                if (Sockets.echoed(c, "still there?")) {
                    served.add(c);
                }
            }
            assertEquals(3, served.size(), "three are links, the other 17 were closed");
            assertEquals(3, relay.events().linksOpened());
            assertEquals(3, relay.events().limitedOpen());

            // A link that ends frees its place for the next client.
            served.get(0).close();
            relay.await("its place given back", e -> e.limitedOpen() == 2);
            try (Socket next = Sockets.connect(relay.port())) {
                assertEquals(true, Sockets.echoed(next, "my turn"));
            }
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }
}
