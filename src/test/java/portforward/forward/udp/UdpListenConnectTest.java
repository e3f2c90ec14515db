package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats;
import portforward.forward.RelayStats.Drop;
import portforward.forward.RelayStats.SessionEnd;
import portforward.forward.StartException;
import portforward.support.HeldLoops;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.TestRelay;
import portforward.transport.Transport;

@ExtendWith(LeakCheck.class)
@Timeout(30)
class UdpListenConnectTest {

    static TestRelay relay(Transport transport, int targetPort, String... options) throws Exception {
        List<String> words = new ArrayList<>(List.of(options));
        words.addAll(List.of("udp", "listen:127.0.0.1:0", "conn:127.0.0.1:" + targetPort));
        return TestRelay.start(transport, words.toArray(String[]::new));
    }

    static int sessionCount(TestRelay relay) throws Exception {
        return ((UdpListenConnect) relay.forwarder()).sessionCount().get(5, TimeUnit.SECONDS);
    }

    /** Sends {@code text} from {@code client} and checks the echo; returns the bytes sent. */
    private static long exchange(UdpPeer client, TestRelay relay, String text) throws Exception {
        client.send(text, relay.address(0));
        assertEquals(text, client.receiveText());
        return text.length();
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void keepsDatagramBoundariesFromOneByteTo65507(Transport transport) throws Exception {
        try (EchoTarget target = new EchoTarget();
                TestRelay relay = relay(transport, target.port());
                UdpPeer client = new UdpPeer()) {
            Random random = new Random(7);
            for (int size : new int[] {1, 1400, 9000, 65507}) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                data[0] = 1; // a lone 0x00 first datagram would be a knock
                client.send(data, relay.address(0));
                UdpPeer.Received reply = client.receive();
                assertArrayEquals(data, reply.data(), "a " + size + "-byte datagram came back changed");
                assertEquals(relay.address(0), reply.from());
            }
            assertEquals(1, target.sources(),
                    "one client, one session, one source port at the target");
        }
    }

    /**
     * A burst read in one wake-up leaves in one flush: on epoll, runs of equal-sized datagrams go out
     * as segmented sends. Every datagram still arrives once and whole, whatever its neighbours' sizes.
     */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aBurstOfMixedSizesArrivesWholeDatagramByDatagram(Transport transport) throws Exception {
        try (EchoTarget target = new EchoTarget();
                TestRelay relay = relay(transport, target.port());
                UdpPeer client = new UdpPeer()) {
            List<String> sent = new ArrayList<>();
            int[] sizes = {1400, 1400, 1400, 500, 1400, 9000, 9000, 9000, 9000, 9000, 9000, 9000, 9000, 1, 1400};
            for (int i = 0; i < sizes.length; i++) {
                for (int copy = 0; copy < (sizes[i] == 1400 ? 10 : 1); copy++) {
                    sent.add((i + "." + copy + " ").repeat(sizes[i]).substring(0, sizes[i]));
                }
            }
            List<String> echoed = echoedBurst(client, relay, sent);
            List<String> atTarget = target.received().stream().skip(1).map(r -> new String(r.data())).toList();
            assertEquals(sorted(sent), sorted(atTarget), "what reached the target");
            assertEquals(sorted(sent), sorted(echoed), "what came back");
        }
    }

    /**
     * On epoll a wake-up makes one recvmmsg (up to 16 datagrams) and leaves the rest to the next:
     * a burst of many batches held up behind busy loops still arrives whole, and so does a lone
     * datagram after it.
     */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aBurstOfManyBatchesIsReadToTheLastDatagramAndALoneOneAfterIt(Transport transport) throws Exception {
        try (EchoTarget target = new EchoTarget();
                TestRelay relay = relay(transport, target.port());
                UdpPeer client = new UdpPeer()) {
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 16 * 6 + 5; i++) {
                sent.add("burst " + i);
            }
            assertEquals(sorted(sent), sorted(echoedBurst(client, relay, sent)), "what came back of the burst");
            client.send("lone", relay.address(0));
            assertEquals("lone", client.receiveText());
        }
    }

    /**
     * Opens {@code client}'s session with one datagram, then sends {@code burst} while the relay's
     * loops are held, so that it waits in the socket and is read in as few wake-ups as can be;
     * returns the echoes, as many as were sent.
     */
    private static List<String> echoedBurst(UdpPeer client, TestRelay relay, List<String> burst) throws Exception {
        client.send("open", relay.address(0));
        assertEquals("open", client.receiveText());
        try (HeldLoops held = HeldLoops.hold(relay.context().group())) {
            for (String text : burst) {
                client.send(text, relay.address(0));
            }
        }
        List<String> echoed = new ArrayList<>();
        for (int i = 0; i < burst.size(); i++) {
            echoed.add(client.receiveText());
        }
        return echoed;
    }

    private static List<String> sorted(List<String> texts) {
        return texts.stream().sorted().toList();
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void manyClientsAtOnceEachGetTheirOwnRepliesAndTheTableEmptiesAfterwards(Transport transport)
            throws Exception {
        int clients = 200;
        try (EchoTarget target = new EchoTarget();
                TestRelay relay = relay(transport, target.port(), "--udp-timeout", "1")) {
            List<UdpPeer> peers = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    peers.add(new UdpPeer());
                }
                for (int i = 0; i < clients; i++) {
                    peers.get(i).send("client " + i, relay.address(0));
                }
                for (int i = 0; i < clients; i++) {
                    assertEquals("client " + i, peers.get(i).receiveText());
                }
            } finally {
                peers.forEach(UdpPeer::close);
            }
            assertEquals(clients, target.sources(),
                    "each client has its own source port at the target");
            relay.await(clients + " expired sessions", events -> events.sessionsExpired() == clients);
            assertEquals(0, sessionCount(relay));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void idlenessNotAgeEndsASession(Transport transport) throws Exception {
        try (EchoTarget target = new EchoTarget();
                TestRelay relay = relay(transport, target.port(), "--udp-timeout", "1");
                UdpPeer client = new UdpPeer();
                UdpPeer witness = new UdpPeer()) {
            long bytes = exchange(client, relay, "ping 0");
            // The witness opens its session after the busy one and then falls silent: once it has
            // expired, the busy session has lived longer than its timeout.
            exchange(witness, relay, "witness");
            int exchanged = 1;
            while (relay.events().sessionsExpired() == 0) {
                bytes += exchange(client, relay, "ping " + exchanged++);
            }
            assertEquals(1, relay.events().sessionsExpired(), "the busy session expired while busy");
            bytes += exchange(client, relay, "still the same session");
            assertEquals(2, target.sources(), "the busy session was replaced: " + target.sources() + " sources");
            RelayStats events = relay.await("the busy session expired once idle", e -> e.sessionsExpired() == 2);
            assertEquals(bytes + "witness".length(), events.bytesToTarget(), events::toString);
            assertEquals(0, sessionCount(relay));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aNewSessionBeyondTheLimitIsRefusedAndCountedWhileOthersCarryOn(Transport transport) throws Exception {
        try (EchoTarget target = new EchoTarget();
                TestRelay relay = relay(transport, target.port(), "--max-sessions", "2");
                UdpPeer a = new UdpPeer();
                UdpPeer b = new UdpPeer();
                UdpPeer c = new UdpPeer()) {
            a.send("a", relay.address(0));
            assertEquals("a", a.receiveText());
            b.send("b", relay.address(0));
            assertEquals("b", b.receiveText());
            c.send("c", relay.address(0));
            relay.await("a refused datagram", events -> events.dropped(Drop.TABLE_FULL) == 1);
            a.send("a again", relay.address(0));
            assertEquals("a again", a.receiveText());
            assertEquals(2, sessionCount(relay));
            assertTrue(target.received().stream().noneMatch(r -> new String(r.data()).equals("c")));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void onlyTheFirstDatagramOfANewSessionCanBeAKnockAndItIsCountedAsADrop(Transport transport) throws Exception {
        try (LogCapture log = new LogCapture();
                EchoTarget target = new EchoTarget();
                TestRelay relay = relay(transport, target.port(), "--udp-timeout", "0.5");
                UdpPeer client = new UdpPeer()) {
            client.send(new byte[] {0}, relay.address(0));
            client.send(new byte[] {0}, relay.address(0));
            assertArrayEquals(new byte[] {0}, client.receive().data(), "the second 0x00 is data");
            client.send("hello", relay.address(0));
            assertEquals("hello", client.receiveText());
            List<UdpPeer.Received> atTarget = target.received();
            assertEquals(2, atTarget.size(), "the knock reached the target");
            assertArrayEquals(new byte[] {0}, atTarget.get(0).data());
            assertEquals("hello", new String(atTarget.get(1).data()));
            String closed = log.await(" closed (idle for 0.5 s)");
            assertTrue(closed.endsWith(", 1 dropped (1 knock)"), closed);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aBindErrorNamesTheAddressAndTheCause(Transport transport) {
        try (UdpPeer taken = new UdpPeer()) {
            StartException e = assertThrows(StartException.class, () -> TestRelay.start(transport,
                    "udp", "listen:127.0.0.1:" + taken.port(), "conn:127.0.0.1:9"));
            assertEquals("cannot listen on udp 127.0.0.1:" + taken.port() + ": address already in use", e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void stopEndsEverySessionAndSaysSo(Transport transport) throws Exception {
        try (EchoTarget target = new EchoTarget();
                UdpPeer client = new UdpPeer()) {
            TestRelay relay = relay(transport, target.port());
            InetSocketAddress listen = relay.address(0);
            client.send("x", listen);
            assertEquals("x", client.receiveText());
            relay.close();
            RelayStats events = relay.await("a session ended by shutdown", e -> e.sessionsClosed(SessionEnd.SHUTDOWN) == 1);
            assertEquals(1, events.bytesToTarget());
            assertEquals(0, events.activeSessions());
        }
    }
}
