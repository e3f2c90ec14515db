package portforward.forward.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.support.Sockets.assertEcho;
import static portforward.support.Sockets.assertHalfCloseCarried;
import static portforward.support.Sockets.assertResetCarried;
import static portforward.support.Sockets.connect;
import static portforward.support.Sockets.readExactly;
import static portforward.support.Sockets.readText;
import static portforward.support.Sockets.readTextToEnd;
import static portforward.support.Sockets.readToEnd;
import static portforward.support.Sockets.send;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.LinkEnd;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

@Timeout(60)
@ExtendWith(LeakCheck.class)
class TcpListenConnectTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void forwardsEachConnectionToTheTarget(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.forward(transport, echo.port())) {
            for (int i = 0; i < 5; i++) {
                assertEcho(relay.port(), "hello " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void connListenOrderMeansTheSame(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.start(transport, "TCP", "CONN:127.0.0.1:" + echo.port(), "Listen:127.0.0.1:0")) {
            assertEcho(relay.port(), "reversed order");
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void clientFinIsCarriedAndTheReplyStillFlows(Transport transport) throws Exception {
        overALink(transport, (relay, client, server) -> assertHalfCloseCarried(client, server));
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void serverFinIsCarriedAndTheClientCanStillSend(Transport transport) throws Exception {
        overALink(transport, (relay, client, server) -> assertHalfCloseCarried(server, client));
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void clientResetResetsTheTarget(Transport transport) throws Exception {
        overALink(transport, (relay, client, server) -> {
            assertResetCarried(client, server);
            relay.await("link closed by a reset", events -> events.linksClosed(LinkEnd.RESET) == 1);
        });
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void targetResetResetsTheClient(Transport transport) throws Exception {
        overALink(transport, (relay, client, server) -> assertResetCarried(server, client));
    }

    /** What a test does with the two ends of a link. */
    private interface LinkEnds {
        void test(TestRelay relay, Socket client, Socket server) throws Exception;
    }

    /** Runs {@code test} on a client and a target's end joined through a relay, proven by one byte. */
    private static void overALink(Transport transport, LinkEnds test) throws Exception {
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = TestRelay.forward(transport, target.port());
                Socket client = connect(relay.port())) {
            send(client, "x");
            try (Socket server = target.next()) {
                assertEquals("x", readText(server, 1));
                test.test(relay, client, server);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void targetDownClosesTheClientAndTheRelayKeepsServing(Transport transport) throws Exception {
        int refusing;
        try (ServerSocket probe = new ServerSocket(0)) {
            refusing = probe.getLocalPort(); // closed again below, so connecting to it is refused
        }
        try (LogCapture log = new LogCapture();
                TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0", "conn:127.0.0.1:" + refusing)) {
            for (int i = 0; i < 3; i++) {
                assertClosedPromptly(relay.port());
            }
            relay.await("three connect failures", events -> events.connectFailures() == 3);
            assertEquals(0, relay.events().linksOpened());
            // The log line is the feature here: it names the target the user must fix, as a warning
            // that -q still shows.
            assertTrue(log.lines().stream().anyMatch(line -> line.startsWith("WARNING") && line.contains("127.0.0.1:" + refusing)
                    && line.contains("connection refused")), log.lines()::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void ipv6ListenerForwardsToIpv4Target(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo("127.0.0.1");
                TestRelay relay = TestRelay.start(transport, "tcp", "listen:[::1]:0", "conn:127.0.0.1:" + echo.port());
                Socket client = connect("::1", relay.port())) {
            send(client, "over six to four");
            client.shutdownOutput();
            assertEquals("over six to four", readTextToEnd(client));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void ipv4ListenerForwardsToIpv6TargetWithZone(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo("::1");
                TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0", "conn:[::1%lo]:" + echo.port())) {
            assertEcho(relay.port(), "four to six");
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void wildcardIpv6ListenerAcceptsBothFamilies(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.start(transport, "tcp", "listen:[::]:0", "conn:localhost:" + echo.port())) {
            assertEcho(relay.port(), "v4 into [::]");
            try (Socket client = connect("::1", relay.port())) {
                byte[] data = "v6 into [::]".getBytes(StandardCharsets.UTF_8);
                client.getOutputStream().write(data);
                assertArrayEquals(data, readExactly(client, data.length));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void connectTimeoutClosesTheClient(Transport transport) throws Exception {
        // A listener whose accept queue is full drops further SYNs, so a dial to it hangs.
        try (ServerSocket stuck = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.util.List<Socket> fillers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket f = new Socket();
                    try {
                        f.connect(stuck.getLocalSocketAddress(), 200);
                        fillers.add(f);
                    } catch (IOException full) {
                        f.close();
                        break;
                    }
                }
                try (TestRelay relay = TestRelay.start(transport, "tcp", "--connect-timeout", "0.3",
                        "listen:127.0.0.1:0", "conn:127.0.0.1:" + stuck.getLocalPort())) {
                    assertClosedPromptly(relay.port());
                    relay.await("a connect failure", events -> events.connectFailures() == 1);
                }
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }
    }

    /** The relay closes the client (FIN or reset) instead of leaving it hanging. */
    static void assertClosedPromptly(int port) throws IOException {
        try (Socket client = connect(port)) {
            send(client, "anyone there?");
            assertEquals(0, readToEnd(client).length);
        } catch (SocketException reset) {
            assertTrue(String.valueOf(reset.getMessage()).contains("reset"), reset.toString());
        }
    }
}
