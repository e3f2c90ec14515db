package portforward.forward.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.support.Sockets.assertEcho;
import static portforward.support.Sockets.connect;
import static portforward.support.Sockets.readText;
import static portforward.support.Sockets.readToEnd;
import static portforward.support.Sockets.send;

import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.SecretFile;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/** Relay and agent, forwards and cascades over the secure hop, as users run them. */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class SecureRelayTest {

    static TestRelay secureRelay(Transport transport, String key, String... options) throws Exception {
        return TestRelay.start(transport, with(options, "--secret-file", key, "tcp", "listen:127.0.0.1:0",
                "listen+s:127.0.0.1:0"));
    }

    static TestRelay secureAgent(Transport transport, String key, TestRelay relay, int target, String... options)
            throws Exception {
        return TestRelay.start(transport, with(options, "--secret-file", key, "tcp",
                "conn+s:127.0.0.1:" + relay.port(1), "conn:127.0.0.1:" + target));
    }

    private static String[] with(String[] first, String... then) {
        String[] all = new String[first.length + then.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(then, 0, all, first.length, then.length);
        return all;
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void agentServesClientsOfTheRelay(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = secureRelay(transport, key);
                TestRelay agent = secureAgent(transport, key, relay, echo.port())) {
            for (int i = 0; i < 10; i++) {
                assertEcho(relay.port(0), "through the secure agent " + i);
            }
        }
    }

    /** The agent dials at OPEN, so a target that speaks first (SMTP, FTP, MySQL) works. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void serverFirstBannerReachesAClientThatHasNotWritten(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (TcpServer smtp = TcpServer.queueing("127.0.0.1");
                TestRelay relay = secureRelay(transport, key);
                TestRelay agent = secureAgent(transport, key, relay, smtp.port());
                Socket client = connect(relay.port(0))) {
            try (Socket server = smtp.next()) {
                send(server, "220 mail.example ESMTP\r\n");
                assertEquals("220 mail.example ESMTP\r\n", readText(client, 24));
                send(client, "QUIT\r\n");
                assertEquals("QUIT\r\n", readText(server, 6));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void forwardCascadeAndMiddleHop(Transport transport) throws Exception {
        // client -> A (listen, conn+s) -> B (listen+s, conn+s) -> C (listen+s, conn) -> echo
        String key = SecretFile.create();
        try (TcpServer echo = TcpServer.echo();
                TestRelay c = TestRelay.start(transport, "--secret-file", key, "tcp", "listen+s:[::1]:0",
                        "conn:127.0.0.1:" + echo.port());
                TestRelay b = TestRelay.start(transport, "--secret-file", key, "tcp", "listen+s:127.0.0.1:0",
                        "conn+secure:[::1]:" + c.port());
                TestRelay a = TestRelay.start(transport, "--secret-file", key, "tcp", "listen:127.0.0.1:0",
                        "conn+s:127.0.0.1:" + b.port())) {
            assertEcho(a.port(), "two secure hops");
            assertEcho(a.port(), "and again");
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void clientsOfAForwardReachAnAgentThroughASecureRelay(Transport transport) throws Exception {
        // client -> forward (listen, conn+s) -> relay (listen+s, listen+s) <- agent (conn+s, conn) -> echo
        String key = SecretFile.create();
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.start(transport, "--secret-file", key, "tcp", "listen+s:127.0.0.1:0",
                        "listen+s:127.0.0.1:0");
                TestRelay agent = secureAgent(transport, key, relay, echo.port());
                TestRelay forward = TestRelay.start(transport, "--secret-file", key, "tcp", "listen:127.0.0.1:0",
                        "conn+s:127.0.0.1:" + relay.port(0))) {
            assertEcho(forward.port(), "forward, relay, agent");
        }
    }

    /**
     * Like ssh -L's channels: a secure forward keeps the connection of a link that ended cleanly
     * and the next client uses it, with no new handshake; each of the relay's two event loops
     * keeps its own.
     */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aSecureForwardReusesTheConnectionsOfEndedLinks(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (TcpServer echo = TcpServer.echo();
                TestRelay far = TestRelay.start(transport, "--secret-file", key, "tcp", "listen+s:127.0.0.1:0",
                        "conn:127.0.0.1:" + echo.port());
                TestRelay near = TestRelay.start(transport, "--secret-file", key, "tcp", "listen:127.0.0.1:0",
                        "conn+s:127.0.0.1:" + far.port())) {
            int links = 10;
            for (int i = 0; i < links; i++) {
                assertEcho(near.port(), "link " + i + " over a kept connection");
                near.await("the link's connection back in the pool", e -> e.agentPooled() >= 1);
            }
            TcpListenConnect responder = (TcpListenConnect) far.forwarder();
            long handshakes = responder.strangers().orElseThrow().accepted();
            assertTrue(handshakes <= 2, handshakes + " handshakes for " + links + " links on two event loops");
            far.await("the far end's links closed", e -> e.linksClosed() == links);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void halfCloseIsCarriedBothWays(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = secureRelay(transport, key);
                TestRelay agent = secureAgent(transport, key, relay, target.port());
                Socket client = connect(relay.port(0));
                Socket server = target.next()) {
            // The client ends its request; the server still answers after seeing the end.
            send(client, "request");
            client.shutdownOutput();
            assertEquals("request", new String(readToEnd(server), StandardCharsets.UTF_8));
            send(server, "answer after EOF");
            // Now the server ends first, and the client, half-closed, reads to the end.
            server.shutdownOutput();
            assertEquals("answer after EOF", new String(readToEnd(client), StandardCharsets.UTF_8));
        }
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = secureRelay(transport, key);
                TestRelay agent = secureAgent(transport, key, relay, target.port());
                Socket client = connect(relay.port(0));
                Socket server = target.next()) {
            send(server, "greeting");
            server.shutdownOutput();
            assertEquals("greeting", new String(readToEnd(client), StandardCharsets.UTF_8));
            send(client, "still talking after the server's EOF");
            client.shutdownOutput();
            assertEquals("still talking after the server's EOF", new String(readToEnd(server), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void resetIsCarriedBothWays(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = secureRelay(transport, key);
                TestRelay agent = secureAgent(transport, key, relay, target.port())) {
            try (Socket client = connect(relay.port(0)); Socket server = target.next()) {
                send(client, "x");
                assertEquals("x", readText(server, 1));
                server.setSoLinger(true, 0);
                server.close(); // a reset
                assertThrows(SocketException.class, () -> readToEnd(client));
            }
            try (Socket client = connect(relay.port(0)); Socket server = target.next()) {
                send(client, "y");
                assertEquals("y", readText(server, 1));
                client.setSoLinger(true, 0);
                client.close();
                assertThrows(SocketException.class, () -> readToEnd(server));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void agentWithAnotherSecretIsRefusedAndSaysWhy(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo(); LogCapture log = new LogCapture();
                TestRelay relay = secureRelay(transport, SecretFile.create());
                TestRelay agent = secureAgent(transport, SecretFile.create(), relay, echo.port())) {
            // The log line is the feature here: the operator must learn why the agent cannot serve.
            log.await("cannot connect to 127.0.0.1:" + relay.port(1) + ": secure hop: the peer closed the handshake");
        }
    }
}
