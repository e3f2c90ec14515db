package portforward.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.support.Sockets.connectFrom;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.Drop;
import portforward.forward.RelayStats.Refusal;
import portforward.metrics.MetricsServer;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.Scrape;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.support.UdpEcho;
import portforward.transport.Transport;

/** --allow-from as a stranger meets it: on loopback, 127.0.0.2 is let through and 127.0.0.1 is not. */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class AllowFromTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void tcpLetsTheListedSourceThroughAndClosesTheRest(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.start(transport, "--allow-from", "127.0.0.2/32", "tcp",
                        "listen:127.0.0.1:0", "conn:127.0.0.1:" + echo.port());
                MetricsServer metrics = Scrape.serve("f", relay)) {
            try (Socket stranger = connectFrom("127.0.0.1", "127.0.0.1", relay.port())) {
                relay.await("a refusal", e -> e.refused(Refusal.NOT_ALLOWED) == 1);
                assertEquals(false, Sockets.echoed(stranger, "let me in"));
            }
            try (Socket friend = connectFrom("127.0.0.2", "127.0.0.1", relay.port())) {
                assertEquals(true, Sockets.echoed(friend, "hello from 127.0.0.2"));
            }
            assertEquals(1, relay.events().refused(Refusal.NOT_ALLOWED));
            assertEquals(1, relay.events().linksOpened(), "only the listed source became a link");
            Map<String, Double> samples = Scrape.samples(metrics);
            assertEquals(1.0, samples.get("portforward_connections_refused_total{forward=\"f\",reason=\"not_allowed\"}"));
            assertEquals(0.0, samples.get("portforward_connections_refused_total{forward=\"f\",reason=\"max_links\"}"));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void manyStrangersEachGetNothing(Transport transport) throws Exception {
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = TestRelay.start(transport, "--allow-from", "10.0.0.0/8,127.0.0.2", "tcp",
                        "listen:127.0.0.1:0", "conn:127.0.0.1:" + target.port())) {
            for (int i = 0; i < 50; i++) {
                try (Socket stranger = connectFrom("127.0.0." + (3 + i), "127.0.0.1", relay.port())) {
                    assertEquals(false, Sockets.echoed(stranger, "x"));
                }
            }
            relay.await("50 refusals", e -> e.refused(Refusal.NOT_ALLOWED) == 50);
            assertEquals(0, relay.events().linksOpened());
            assertEquals(0, relay.events().connectFailures());
            try (Socket friend = connectFrom("127.0.0.2", "127.0.0.1", relay.port())) {
                relay.await("the friend's link", e -> e.linksOpened() == 1);
                assertEquals("127.0.0.1", target.next().getInetAddress().getHostAddress(),
                        "the target's first connection is the friend's: no stranger was dialled through");
            }
        }
    }

    /** The log line is the feature here: a flood from one source costs one line per 10 s, not one per connection. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aFloodFromOneSourceIsLoggedOnce(Transport transport) throws Exception {
        try (LogCapture log = new LogCapture();
                TestRelay relay = TestRelay.start(transport, "--allow-from", "127.0.0.2", "tcp", "listen:127.0.0.1:0",
                        "conn:127.0.0.1:9")) {
            for (int i = 0; i < 20; i++) {
                connectFrom("127.0.0.3", "127.0.0.1", relay.port()).close();
            }
            connectFrom("127.0.0.4", "127.0.0.1", relay.port()).close();
            relay.await("21 refusals", e -> e.refused(Refusal.NOT_ALLOWED) == 21);
            List<String> refused = log.lines().stream().filter(l -> l.contains("refused 127.0.0.")).toList();
            assertEquals(2, refused.size(), "one line per source: " + refused);
            assertTrue(refused.get(0).contains("refused 127.0.0.3 on tcp 127.0.0.1:" + relay.port()
                    + " (not in --allow-from 127.0.0.2)"), refused.get(0));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aFamilyIsLetThroughAndTheOtherIsNot(Transport transport) throws Exception {
        Assumptions.assumeTrue(hasIpv6Loopback(), "skipped: no ::1 on this host (the 127.0.0.2 tests still run)");
        try (TcpServer echo = TcpServer.echo();
                TestRelay v6only = TestRelay.start(transport, "--allow-from", "::/0", "tcp",
                        "listen:[::]:0", "conn:127.0.0.1:" + echo.port());
                TestRelay v4only = TestRelay.start(transport, "--allow-from", "0.0.0.0/0", "tcp",
                        "listen:[::]:0", "conn:127.0.0.1:" + echo.port())) {
            try (Socket v4 = connectFrom("127.0.0.1", "127.0.0.1", v6only.port());
                    Socket v6 = connectFrom("::1", "::1", v6only.port())) {
                assertEquals(false, Sockets.echoed(v4, "v4 to a v6-only list"));
                assertEquals(true, Sockets.echoed(v6, "v6 to a v6-only list"));
            }
            try (Socket v4 = connectFrom("127.0.0.1", "127.0.0.1", v4only.port());
                    Socket v6 = connectFrom("::1", "::1", v4only.port())) {
                assertEquals(true, Sockets.echoed(v4, "v4 to a v4-only list"));
                assertEquals(false, Sockets.echoed(v6, "v6 to a v4-only list"));
            }
            v6only.await("the v4 client refused", e -> e.refused(Refusal.NOT_ALLOWED) == 1);
            v4only.await("the v6 client refused", e -> e.refused(Refusal.NOT_ALLOWED) == 1);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void udpDatagramsFromOtherSourcesAreDroppedAndCounted(Transport transport) throws Exception {
        try (UdpEcho echo = new UdpEcho();
                TestRelay relay = TestRelay.start(transport, "--allow-from", "127.0.0.2", "udp",
                        "listen:127.0.0.1:0", "conn:127.0.0.1:" + echo.port());
                DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                DatagramSocket friend = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
            InetSocketAddress relayAt = new InetSocketAddress("127.0.0.1", relay.port());
            for (int i = 0; i < 3; i++) {
                stranger.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, relayAt));
            }
            relay.await("three dropped datagrams", e -> e.dropped(Drop.NOT_ALLOWED) == 3);
            friend.setSoTimeout(Sockets.READ_TIMEOUT_MS);
            friend.send(new DatagramPacket(new byte[] {4, 5}, 2, relayAt));
            DatagramPacket back = new DatagramPacket(new byte[16], 16);
            friend.receive(back);
            assertEquals(2, back.getLength());
            assertEquals(1, relay.events().sessionsOpened(), "the stranger opened no session, so nothing goes back to it");
        }
    }

    static boolean hasIpv6Loopback() {
        try {
            return NetworkInterface.getByInetAddress(InetAddress.getByName("::1")) != null
                    && InetAddress.getByName("::1") instanceof Inet6Address;
        } catch (IOException e) {
            return false;
        }
    }
}
