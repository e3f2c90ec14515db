package portforward.hop.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.hop.secure.Replies.assertNothing;
import static portforward.hop.secure.Replies.awaitAtLeast;
import static portforward.hop.secure.Replies.sendQuietly;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

/**
 * Strangers that do not finish: one that stops halfway through H1 and one that never speaks must
 * be closed by the responder itself (its handshake limit, waited for, not timed), without a byte;
 * and a thousand of them from one address must not keep a real agent from connecting and serving.
 */
@Timeout(180)
@ExtendWith(LeakCheck.class)
class SlowAndManyStrangersTest {
    private static final int FLOOD = 1000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aStrangerThatStopsHalfwayIsClosedWithoutAByte(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        byte[] h1 = RawPeer.initiator(key.psk()).hello();
        try (TestRelay relay = key.rendezvous(transport);
                Socket halfway = Sockets.connect(relay.port(1));
                Socket silent = Sockets.connect(relay.port(1))) {
            // Not half-closed: only the responder's own limit may end these.
            sendQuietly(halfway, Arrays.copyOf(h1, h1.length / 2));
            assertNothing(halfway, "half of H1, then silence");
            assertNothing(silent, "no byte at all");
            Replies.assertOnlyRefused(relay, 2);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aThousandStrangersDoNotStopARealAgent(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        byte[] partial = Arrays.copyOf(RawPeer.initiator(key.psk()).hello(), 40);
        List<Socket> flood = new ArrayList<>();
        long started = System.nanoTime();
        try (LogCapture log = new LogCapture(); TcpServer target = TcpServer.echo();
                TestRelay relay = key.rendezvous(transport)) {
            try {
                for (int i = 0; i < FLOOD; i++) {
                    flood.add(stranger(relay.address(1), partial));
                }
                try (TestRelay agent = TestRelay.start(transport, "--secret-file", key.file(), "tcp",
                        "conn+s:127.0.0.1:" + relay.port(1), "conn:127.0.0.1:" + target.port())) {
                    Sockets.assertEcho(relay.port(0), "served while " + FLOOD + " strangers hold handshakes");
                }
                for (int i = 0; i < flood.size(); i++) {
                    assertNothing(flood.get(i), "stranger " + i);
                }
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }
            Strangers strangers = Replies.strangers(relay);
            awaitAtLeast(strangers::refused, FLOOD, "strangers refused");
            assertTrue(strangers.accepted() >= 1, "the agent's links were accepted: " + strangers.accepted());
            // The log is the feature here: a flood from one source costs one line per 10 s, however
            // long this run took.
            long lines = log.lines().stream().filter(line -> line.contains("dropped a connection from 127.0.0.2")).count();
            long allowed = 1 + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) / 10;
            assertTrue(lines >= 1 && lines <= allowed, lines + " log lines for " + FLOOD + " strangers from one source");
        }
    }

    /**
     * Strangers from many addresses, more in all than the relay keeps pending handshakes for: the
     * oldest make room, so the agent's handshakes, one round trip each, still get through.
     */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void strangersFromManyAddressesDoNotHoldEverySlot(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        byte[] partial = Arrays.copyOf(RawPeer.initiator(key.psk()).hello(), 40);
        int sources = 22;
        int each = 50; // under the per-source bound, over the global one in all
        assertTrue(sources * each > Strangers.PENDING_GLOBAL && each < Strangers.PENDING_PER_SOURCE);
        List<Socket> flood = new ArrayList<>();
        try (TcpServer target = TcpServer.echo(); TestRelay relay = key.rendezvous(transport)) {
            try {
                for (int i = 0; i < sources * each; i++) {
                    flood.add(stranger(relay.address(1), partial, "127.0.1." + (2 + i % sources)));
                }
                try (TestRelay agent = TestRelay.start(transport, "--secret-file", key.file(), "tcp",
                        "conn+s:127.0.0.1:" + relay.port(1), "conn:127.0.0.1:" + target.port())) {
                    Sockets.assertEcho(relay.port(0), "served while strangers from " + sources + " addresses wait");
                    // Without room made, its first handshakes would have been refused, and it backed off.
                    assertEquals(0, agent.events().handshakesFailed(), "the agent's handshakes refused");
                }
                for (int i = 0; i < flood.size(); i++) {
                    assertNothing(flood.get(i), "stranger " + i);
                }
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }
        }
    }

    /** A connection from 127.0.0.2, so that all strangers share one source address the agent does not have. */
    private static Socket stranger(InetSocketAddress relay, byte[] partial) throws IOException {
        return stranger(relay, partial, "127.0.0.2");
    }

    private static Socket stranger(InetSocketAddress relay, byte[] partial, String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        try {
            s.connect(relay, Sockets.READ_TIMEOUT_MS);
        } catch (SocketException refused) {
            s.close(); // over the per-source bound, reset before connect() returned
            return s;
        }
        sendQuietly(s, partial);
        return s;
    }
}
