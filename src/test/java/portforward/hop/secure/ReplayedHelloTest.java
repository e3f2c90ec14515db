package portforward.hop.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static portforward.hop.secure.Replies.assertNothing;
import static portforward.hop.secure.Replies.awaitAtLeast;
import static portforward.hop.secure.Replies.sendQuietly;

import java.io.IOException;
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
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * First messages made with the right secret that must still be refused: one seen before (a
 * recorded H1 sent again, ours or a real relay's), and ones dated outside the 120 s window of the responder's clock. And
 * a valid H1 alone, without the READY record that proves the key, never counts as accepted.
 */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class ReplayedHelloTest {
    private static final long WINDOW = ReplayCache.WINDOW_MILLIS;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aFirstMessageSentAgainGetsNothing(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        RawPeer original = RawPeer.initiator(key.psk());
        byte[] h1 = original.hello();
        try (TestRelay relay = key.rendezvous(transport)) {
            Strangers strangers = Replies.strangers(relay);
            try (Socket s = Sockets.connect(relay.port(1))) {
                s.getOutputStream().write(h1);
                original.finish(RawPeer.readFrame(s));
                s.getOutputStream().write(original.record(Wire.READY, new byte[0]));
                awaitAtLeast(strangers::accepted, 1, "the original accepted");
            }
            for (int replay = 0; replay < 3; replay++) {
                try (Socket s = Sockets.connect(relay.port(1))) {
                    sendQuietly(s, h1);
                    assertNothing(s, "replay " + replay);
                }
            }
            awaitAtLeast(strangers::refused, 3, "replays refused");
            assertEquals(1, strangers.accepted(), "accepted: the original only");
        }
    }

    /**
     * A real initiator's H1, taken off the wire by a proxy in the middle that then passes the rest
     * through: the link it opened serves its client, and the recorded H1 sent again gets nothing.
     */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aRealInitiatorsFirstMessageRecordedAndReplayedGetsNothing(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        try (TcpServer target = TcpServer.echo(); TestRelay far = key.forward(transport, target.port());
                ServerSocket middle = new ServerSocket()) {
            middle.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            middle.setSoTimeout(Sockets.READ_TIMEOUT_MS);
            byte[] recorded;
            try (TestRelay near = TestRelay.start(transport, "--secret-file", key.file(), "tcp", "listen:127.0.0.1:0",
                    "conn+s:127.0.0.1:" + middle.getLocalPort()); Socket client = Sockets.connect(near.port())) {
                Sockets.send(client, "through the middle");
                try (Socket fromNear = middle.accept(); Socket toFar = Sockets.connect(far.port())) {
                    recorded = RawPeer.readFrame(fromNear);
                    toFar.getOutputStream().write(recorded);
                    pipe(fromNear, toFar);
                    pipe(toFar, fromNear);
                    assertEquals("through the middle", Sockets.readText(client, "through the middle".length()));
                }
            }
            try (Socket s = Sockets.connect(far.port())) {
                sendQuietly(s, recorded);
                assertNothing(s, "a real initiator's H1, replayed");
            }
            Strangers strangers = Replies.strangers(far);
            awaitAtLeast(strangers::refused, 1, "the replay refused");
            assertEquals(1, strangers.accepted(), "accepted: the real link only");
        }
    }

    /** Copies {@code from} to {@code to} until EOF or an error, on a thread of its own. */
    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
                to.shutdownOutput();
            } catch (IOException e) {
                // one side closed; the test looks at the ends
            }
        }, "test-pipe");
        t.setDaemon(true);
        t.start();
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aFirstMessageDatedOutsideTheWindowGetsNothing(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        try (TestRelay relay = key.rendezvous(transport)) {
            long[] skews = {-WINDOW - 1_000, WINDOW + 1_000, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2};
            for (long skew : skews) {
                try (Socket s = Sockets.connect(relay.port(1))) {
                    sendQuietly(s, RawPeer.initiator(key.psk()).hello(System.currentTimeMillis() + skew, false));
                    assertNothing(s, "dated " + skew + " ms from now");
                }
            }
            Replies.assertOnlyRefused(relay, skews.length);
            // Inside the window, by as much as the test's clock reading could be off: taken.
            try (Socket s = Sockets.connect(relay.port(1))) {
                RawPeer late = RawPeer.initiator(key.psk());
                s.getOutputStream().write(late.hello(System.currentTimeMillis() - WINDOW / 2, false));
                late.finish(RawPeer.readFrame(s));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aValidFirstMessageWithoutReadyNeverCounts(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        try (TestRelay relay = key.rendezvous(transport)) {
            Strangers strangers = Replies.strangers(relay);
            try (Socket s = Sockets.connect(relay.port(1))) {
                RawPeer peer = RawPeer.initiator(key.psk());
                s.getOutputStream().write(peer.hello());
                peer.finish(RawPeer.readFrame(s));
                // Anyone who recorded a fresh H1 could get this far; without READY the link must not count.
            }
            awaitAtLeast(strangers::refused, 1, "closed before READY: refused");
            assertEquals(0, strangers.accepted(), "accepted without READY");
            try (Socket s = Sockets.connect(relay.port(1))) {
                RawPeer.handshake(s, key.psk());
                awaitAtLeast(strangers::accepted, 1, "accepted once READY came");
            }
        }
    }
}
