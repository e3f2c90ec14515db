package portforward.hop.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static portforward.support.Sockets.connect;
import static portforward.support.Sockets.readExactly;

import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.Refusal;
import portforward.support.LeakCheck;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * listen+pp as a client without a load balancer meets it: a missing, malformed or cut-short
 * header closes the connection, no target is dialled, and it is counted; a good one leaves a
 * plain link behind, which splices.
 */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class ListenPpTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("198.51.100.7", 40000);
    private static final InetSocketAddress BALANCER = new InetSocketAddress("203.0.113.1", 443);

    static TestRelay pp(Transport transport, TcpServer target) throws Exception {
        return TestRelay.start(transport, "tcp", "listen+pp:127.0.0.1:0", "conn+pp2:127.0.0.1:" + target.port());
    }

    /** Sends {@code bytes} and then FIN; true if the relay closed the connection without a byte. */
    static boolean closedWithNothing(int port, byte[] bytes) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(bytes);
            s.shutdownOutput();
            return s.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void missingMalformedAndTruncatedHeadersAreClosedAndCounted(Transport transport) throws Exception {
        List<byte[]> bad = new ArrayList<>();
        bad.add("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // missing
        bad.add("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII));
        bad.add("PROXY TCP4 198.51.100.999 203.0.113.1 40000 443\r\n".getBytes(StandardCharsets.US_ASCII));
        bad.add("PROXY TCP4 198.51.100.7 203.0.113.1 70000 443\r\n".getBytes(StandardCharsets.US_ASCII));
        bad.add("PROXY TCP9 198.51.100.7 203.0.113.1 40000 443\r\n".getBytes(StandardCharsets.US_ASCII));
        bad.add(("PROXY TCP4 " + "1".repeat(120) + "\r\n").getBytes(StandardCharsets.US_ASCII)); // past v1's 107 bytes
        byte[] v2 = ProxyHeaders.encode(HAProxyProtocolVersion.V2, CLIENT, BALANCER);
        byte[] wrongVersion = v2.clone();
        wrongVersion[12] = 0x31; // version 3
        bad.add(wrongVersion);
        byte[] wrongLength = v2.clone();
        wrongLength[15] = 4; // an address block too short for TCP4
        bad.add(wrongLength);
        byte[] v1 = ProxyHeaders.encode(HAProxyProtocolVersion.V1, CLIENT, BALANCER);
        for (byte[] whole : new byte[][] {v1, v2}) {
            for (int cut = 0; cut < whole.length; cut++) { // truncated at every offset, then FIN
                bad.add(Arrays.copyOf(whole, cut));
            }
        }
        try (TcpServer target = TcpServer.queueing("127.0.0.1"); TestRelay relay = pp(transport, target)) {
            for (byte[] b : bad) {
                assertEquals(true, closedWithNothing(relay.port(), b),
                        "closed without a byte: " + new String(b, StandardCharsets.ISO_8859_1));
            }
            relay.await("every bad header counted", e -> e.refused(Refusal.BAD_PROXY_HEADER) == bad.size());
            assertEquals(0, relay.events().linksOpened());
            assertEquals(0, relay.events().connectFailures(), "no target dialled for a bad header");
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void afterAGoodHeaderTheLinkIsPlainAndSplices(Transport transport) throws Exception {
        byte[] payload = new byte[512 * 1024]; // past the 256 KiB after which a link splices
        new Random(16).nextBytes(payload);
        for (HAProxyProtocolVersion version : HAProxyProtocolVersion.values()) {
            try (TcpServer target = TcpServer.queueing("127.0.0.1");
                    TestRelay relay = pp(transport, target);
                    Socket client = connect(relay.port())) {
                byte[] header = ProxyHeaders.encode(version, CLIENT, BALANCER);
                byte[] first = new byte[header.length + payload.length];
                System.arraycopy(header, 0, first, 0, header.length);
                System.arraycopy(payload, 0, first, header.length, payload.length);
                client.getOutputStream().write(first); // the header and data in one write, as a balancer may
                try (Socket at = target.next()) {
                    byte[] sent = ProxyHeaders.encode(HAProxyProtocolVersion.V2, CLIENT, BALANCER);
                    assertArrayEquals(sent, readExactly(at, sent.length), "the balancer's client and address, passed on");
                    assertArrayEquals(payload, readExactly(at, payload.length));
                    at.getOutputStream().write(payload);
                    assertArrayEquals(payload, readExactly(client, payload.length));
                    boolean spliced = false;
                    for (Channel ch : relay.context().linkChannels()) {
                        List<String> names = ch.eventLoop().submit(() -> ch.pipeline().names()).get();
                        assertEquals(List.of("relay", "DefaultChannelPipeline$TailContext#0"), names,
                                "nothing of the PROXY layers is left");
                        spliced |= ch.eventLoop().submit(() -> ch.pipeline().get("relay").getClass().getSimpleName())
                                .get().equals("SpliceRelay");
                    }
                    assertEquals(transport.isEpoll(), spliced, "spliced on epoll, copied on nio");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aBalancersHealthCheckWithLocalUsesTheConnectionsOwnAddress(Transport transport) throws Exception {
        byte[] local = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00};
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = pp(transport, target);
                Socket client = connect(relay.port())) {
            client.getOutputStream().write(local);
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            try (Socket at = target.next()) {
                ProxyHeaders got = ProxyHeaders.readFrom(at);
                assertEquals("127.0.0.1", got.source());
                assertEquals(client.getLocalPort(), got.sourcePort());
                assertEquals("ping", got.after());
            }
        }
    }
}
