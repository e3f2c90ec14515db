package portforward.hop.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static portforward.hop.socks.SocksClient.connect;
import static portforward.hop.socks.SocksClient.open;
import static portforward.hop.socks.SocksClient.reply;
import static portforward.hop.socks.SocksClient.send;
import static portforward.support.Sockets.readText;

import java.net.Socket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.SecretFile;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * Reverse SOCKS: clients at the relay reach what the agent can reach. The relay only pairs bytes;
 * the agent answers the handshake, resolves names and dials.
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class SocksReverseTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aPlainAgentReachesTwoTargets(Transport transport) throws Exception {
        try (TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0", "listen:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, "tcp", "conn:127.0.0.1:" + relay.port(1), "socks")) {
            twoTargetsThroughOneAgent(relay.port(0));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aSecureAgentReachesTwoTargets(Transport transport) throws Exception {
        String[] key = {"--secret-file", SecretFile.create()};
        try (TestRelay relay = TestRelay.start(transport, key, "tcp", "listen:127.0.0.1:0", "listen+s:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, key, "tcp", "conn+s:127.0.0.1:" + relay.port(1), "socks")) {
            twoTargetsThroughOneAgent(relay.port(0));
        }
    }

    /** A refusal ends the agent's secure link cleanly: the client reads the reply, then EOF (no reset). */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aRefusalThroughASecureAgentEndsCleanly(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (TestRelay relay = TestRelay.start(transport, new String[] {"--secret-file", key}, "tcp",
                        "listen:127.0.0.1:0", "listen+s:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, new String[] {"--secret-file", key, "--allow", "10.0.0.0/8"},
                        "tcp", "conn+s:127.0.0.1:" + relay.port(1), "socks")) {
            for (int i = 0; i < 3; i++) {
                try (Socket client = open(relay.port(0))) {
                    send(client, connect(SocksConnectTest.NAME, 22));
                    assertEquals(2, reply(client).code(), "not allowed");
                    assertEquals(0, Sockets.readToEnd(client).length, "then EOF, not a reset");
                }
            }
        }
    }

    /** A cascade: socks stands at the last hop, behind a forward over the secure hop. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void socksAtTheLastHopOfACascade(Transport transport) throws Exception {
        String[] key = {"--secret-file", SecretFile.create()};
        try (TcpServer echo = TcpServer.echo();
                TestRelay last = TestRelay.start(transport, key, "tcp", "listen+s:127.0.0.1:0", "socks");
                TestRelay first = TestRelay.start(transport, key, "tcp", "listen:127.0.0.1:0",
                        "conn+s:127.0.0.1:" + last.port());
                Socket client = open(first.port())) {
            send(client, connect(SocksConnectTest.NAME, echo.port()));
            assertEquals(0, reply(client).code());
            Sockets.send(client, "two hops");
            assertEquals("two hops", readText(client, 8));
        }
    }

    private static void twoTargetsThroughOneAgent(int relayPort) throws Exception {
        try (TcpServer mail = TcpServer.queueing("127.0.0.1"); TcpServer web = TcpServer.queueing("::1")) {
            try (Socket toMail = open(relayPort); Socket toWeb = open(relayPort)) {
                send(toMail, connect(SocksConnectTest.NAME, mail.port()));
                send(toWeb, connect("::1", web.port()));
                assertEquals(0, reply(toMail).code());
                assertEquals(0, reply(toWeb).code());
                try (Socket mailServer = mail.next(); Socket webServer = web.next()) {
                    // A server-first banner comes through, and each link reaches its own target.
                    Sockets.send(mailServer, "220 mail\r\n");
                    assertEquals("220 mail\r\n", readText(toMail, 10));
                    Sockets.send(toWeb, "GET /\r\n");
                    assertEquals("GET /\r\n", readText(webServer, 7));
                    Sockets.assertHalfCloseCarried(toMail, mailServer);
                    Sockets.assertHalfCloseCarried(toWeb, webServer);
                }
            }
        }
    }
}
