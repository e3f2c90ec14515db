package portforward.hop.socks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.hop.socks.SocksClient.connect;
import static portforward.hop.socks.SocksClient.greeting;
import static portforward.hop.socks.SocksClient.login;
import static portforward.hop.socks.SocksClient.open;
import static portforward.hop.socks.SocksClient.reply;
import static portforward.hop.socks.SocksClient.reply4;
import static portforward.hop.socks.SocksClient.send;
import static portforward.hop.socks.SocksClient.socks4;
import static portforward.support.Sockets.readExactly;
import static portforward.support.Sockets.readTextToEnd;

import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/** A local socks server ({@code tcp listen:... socks}): CONNECT in SOCKS5, 4 and 4a, and its refusals. */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class SocksConnectTest {
    /** In src/test/resources/hosts, which the tests' JVM uses as its hosts file; no DNS knows it. */
    static final String NAME = "socks-target.test";

    static TestRelay socks(Transport transport, String... options) throws Exception {
        return TestRelay.start(transport, options, "tcp", "listen:127.0.0.1:0", "socks");
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void socks5ToANameAnIpv4AndAnIpv6Target(Transport transport) throws Exception {
        try (TcpServer four = TcpServer.queueing("127.0.0.1");
                TcpServer six = TcpServer.queueing("::1");
                LogCapture log = new LogCapture();
                TestRelay relay = socks(transport)) {
            String[][] targets = {{NAME, "4"}, {"127.0.0.1", "4"}, {"::1", "6"}};
            for (String[] target : targets) {
                TcpServer server = target[1].equals("6") ? six : four;
                try (Socket client = open(relay.port())) {
                    send(client, connect(target[0], server.port()));
                    SocksClient.Reply reply = reply(client);
                    assertEquals(0, reply.code(), "succeeded");
                    assertTrue(target[1].equals("6") ? reply.bound().getAddress() instanceof Inet6Address
                            : reply.bound().getAddress() instanceof Inet4Address, reply.toString());
                    try (Socket accepted = server.next()) {
                        assertEquals(reply.bound().getPort(), accepted.getPort(), "the bound address is the link's");
                        // After the handshake it is an ordinary link: half-close is carried both ways.
                        Sockets.assertHalfCloseCarried(client, accepted);
                    }
                }
                String asked = (target[0].contains(":") ? "[" + target[0] + "]" : target[0]) + ":" + server.port();
                log.await("via socks to " + asked);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void socks4AndSocks4a(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo(); TestRelay relay = socks(transport)) {
            for (String host : new String[] {"127.0.0.1", NAME}) {
                try (Socket client = Sockets.connect(relay.port())) {
                    send(client, socks4(1, host, echo.port()));
                    assertEquals(0x5a, reply4(client), "granted");
                    Sockets.send(client, "four " + host);
                    client.shutdownOutput();
                    assertEquals("four " + host, readTextToEnd(client));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void rightAndWrongPassword(Transport transport, @TempDir Path dir) throws Exception {
        Path users = Files.writeString(dir.resolve("users"), "alice:secret one\n");
        try (TcpServer echo = TcpServer.echo(); TestRelay relay = socks(transport, "--socks-auth", users.toString())) {
            try (Socket client = Sockets.connect(relay.port())) {
                send(client, greeting(0, 2));
                assertArrayEquals(new byte[] {5, 2}, readExactly(client, 2), "the server asks for a password");
                send(client, login("alice", "secret one"));
                assertArrayEquals(new byte[] {1, 0}, readExactly(client, 2), "accepted");
                send(client, connect("127.0.0.1", echo.port()));
                assertEquals(0, reply(client).code());
                Sockets.send(client, "with a password");
                client.shutdownOutput();
                assertEquals("with a password", readTextToEnd(client));
            }
            for (String[] wrong : new String[][] {{"alice", "secret two"}, {"mallory", "secret one"}}) {
                try (Socket client = Sockets.connect(relay.port())) {
                    send(client, greeting(2));
                    assertArrayEquals(new byte[] {5, 2}, readExactly(client, 2));
                    send(client, login(wrong[0], wrong[1]));
                    assertEquals(1, readExactly(client, 2)[0], "RFC 1929 version");
                    assertEquals(0, readExactly(client, 1).length, "then the server closes");
                }
            }
            try (Socket client = Sockets.connect(relay.port())) {
                send(client, greeting(0));
                assertArrayEquals(new byte[] {5, (byte) 0xff}, readExactly(client, 2), "no acceptable method");
                assertEquals(0, readExactly(client, 1).length);
            }
            try (Socket client = Sockets.connect(relay.port())) {
                send(client, socks4(1, "127.0.0.1", echo.port()));
                assertEquals(0x5b, reply4(client), "SOCKS4 cannot send a password");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aDestinationThatAllowDoesNotListGetsNotAllowed(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                TcpServer other = TcpServer.echo();
                LogCapture log = new LogCapture();
                TestRelay relay = socks(transport, "--allow", "127.0.0.1/32:" + echo.port() + ",[::1]:1-2")) {
            try (Socket client = open(relay.port())) {
                send(client, connect(NAME, other.port()));
                assertEquals(2, reply(client).code(), "connection not allowed by ruleset");
                assertEquals(0, readExactly(client, 1).length);
            }
            log.await("which --allow does not permit");
            try (Socket client = Sockets.connect(relay.port())) {
                send(client, socks4(1, "127.0.0.1", other.port()));
                assertEquals(0x5b, reply4(client));
            }
            try (Socket client = open(relay.port())) {
                send(client, connect(NAME, echo.port()));
                assertEquals(0, reply(client).code(), "the allowed one");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void unreachableTargetsAndBindGetTheirReplyCodes(Transport transport) throws Exception {
        int closed;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = gone.getLocalPort();
        }
        try (TestRelay relay = socks(transport)) {
            try (Socket client = open(relay.port())) {
                send(client, connect("127.0.0.1", closed));
                assertEquals(5, reply(client).code(), "connection refused");
            }
            try (Socket client = open(relay.port())) {
                send(client, connect("no-such-host.invalid", 80));
                assertEquals(4, reply(client).code(), "host unreachable: the name does not resolve");
            }
            try (Socket client = open(relay.port())) {
                send(client, SocksClient.request(2, "127.0.0.1", 80));
                assertEquals(7, reply(client).code(), "BIND: command not supported");
            }
            try (Socket client = Sockets.connect(relay.port())) {
                send(client, socks4(2, "127.0.0.1", 80));
                assertEquals(0x5b, reply4(client), "SOCKS4 BIND: rejected");
            }
        }
    }

    /** The warning is the feature here: start-up says so once, and only where it applies. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void anOpenProxyOnANonLoopbackAddressIsWarnedOf(Transport transport) throws Exception {
        try (LogCapture log = new LogCapture()) {
            try (TestRelay open = TestRelay.start(transport, "tcp", "listen:0.0.0.0:0", "socks")) {
                assertTrue(log.lines().stream().anyMatch(line -> line.startsWith("WARNING") && line.contains("open proxy")),
                        log.lines().toString());
            }
            int before = log.lines().size();
            try (TestRelay loopback = socks(transport);
                    TestRelay allowed = TestRelay.start(transport, "--allow", "10.0.0.0/8", "tcp", "listen:0.0.0.0:0",
                            "socks")) {
                assertTrue(log.lines().subList(before, log.lines().size()).stream()
                        .noneMatch(line -> line.contains("open proxy")), log.lines().toString());
            }
        }
    }

    /**
     * After the reply the layer is gone: each side of the link holds only the relay handler, and a
     * bulk link splices where the transport can (epoll), as any plain link does.
     */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void afterTheHandshakeALinkIsPlainAndSplicesBulk(Transport transport) throws Exception {
        byte[] payload = new byte[512 * 1024]; // past the 256 KiB after which a link splices
        new Random(13).nextBytes(payload);
        try (TcpServer server = TcpServer.queueing("127.0.0.1");
                TestRelay relay = socks(transport);
                Socket client = open(relay.port())) {
            send(client, connect("127.0.0.1", server.port()));
            assertEquals(0, reply(client).code());
            try (Socket accepted = server.next()) {
                client.getOutputStream().write(payload);
                assertArrayEquals(payload, readExactly(accepted, payload.length));
                for (Channel ch : relay.context().linkChannels()) {
                    List<String> names = ch.eventLoop().submit(() -> ch.pipeline().names()).get();
                    assertEquals("relay", names.get(0), names.toString());
                    assertEquals(2, names.size(), "the relay handler and Netty's tail, nothing of socks: " + names);
                }
                boolean spliced = false;
                for (Channel ch : relay.context().linkChannels()) {
                    spliced |= ch.eventLoop().submit(() -> ch.pipeline().get("relay").getClass().getSimpleName())
                            .get().equals("SpliceRelay");
                }
                assertEquals(transport.isEpoll(), spliced, "spliced on epoll, copied on nio");
            }
        }
    }

    /** A client that sends its data with its request (and even its FIN) loses none of it. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void bytesSentAheadOfTheReplyAreHeldForTheLink(Transport transport) throws Exception {
        try (TcpServer server = TcpServer.queueing("127.0.0.1"); TestRelay relay = socks(transport)) {
            try (Socket client = Sockets.connect(relay.port())) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                all.writeBytes(greeting(0));
                all.writeBytes(connect(NAME, server.port()));
                all.writeBytes("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                send(client, all.toByteArray());
                client.shutdownOutput();
                assertArrayEquals(new byte[] {5, 0}, readExactly(client, 2));
                assertEquals(0, reply(client).code());
                try (Socket accepted = server.next()) {
                    assertEquals("GET / HTTP/1.0\r\n\r\n", readTextToEnd(accepted));
                    Sockets.send(accepted, "HTTP/1.0 200 OK\r\n\r\n");
                    accepted.shutdownOutput();
                    assertEquals("HTTP/1.0 200 OK\r\n\r\n", readTextToEnd(client));
                }
            }
        }
    }
}
