package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats;
import portforward.forward.RelayStats.Drop;
import portforward.forward.RelayStats.Unpaired;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.TestRelay;
import portforward.transport.Transport;

@ExtendWith(LeakCheck.class)
@Timeout(30)
class UdpListenListenTest {

    static TestRelay rendezvous(Transport transport, String... options) throws Exception {
        List<String> words = new ArrayList<>(List.of(options));
        words.addAll(List.of("udp", "listen:127.0.0.1:0", "listen:127.0.0.1:0"));
        return TestRelay.start(transport, words.toArray(String[]::new));
    }

    static int sessionCount(TestRelay relay) throws Exception {
        return ((UdpListenListen) relay.forwarder()).sessionCount().get(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void pairsSessionsAndDeliversWhatTheFirstHeldInOrder(Transport transport) throws Exception {
        try (TestRelay relay = rendezvous(transport);
                UdpPeer user = new UdpPeer();
                UdpPeer agent = new UdpPeer()) {
            for (int i = 1; i <= 3; i++) {
                user.send("held " + i, relay.address(0));
            }
            agent.send(new byte[] {0}, relay.address(1));
            relay.await("a pair", events -> events.sessionsOpened() == 1);
            for (int i = 1; i <= 3; i++) {
                UdpPeer.Received held = agent.receive();
                assertEquals("held " + i, new String(held.data()));
                assertEquals(relay.address(1), held.from());
            }
            agent.send("reply", relay.address(1));
            UdpPeer.Received reply = user.receive();
            assertEquals("reply", new String(reply.data()), "the agent's knock reached the user");
            assertEquals(relay.address(0), reply.from());
            user.send(new byte[] {0}, relay.address(0));
            assertArrayEquals(new byte[] {0}, agent.receive().data(), "from a paired session, 0x00 is data");
            agent.send(new byte[] {0}, relay.address(1));
            assertArrayEquals(new byte[] {0}, user.receive().data(), "from a paired session, 0x00 is data");
        }
    }

    /** An agent's pool socket knocks until paired: two lone 0x00 in a row are two knocks, counted. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aSessionOpenedByAKnockKnocksUntilPaired(Transport transport) throws Exception {
        try (LogCapture log = new LogCapture();
                TestRelay relay = rendezvous(transport, "--pair-timeout", "1");
                UdpPeer agent = new UdpPeer()) {
            agent.send(new byte[] {0}, relay.address(1));
            agent.send(new byte[] {0}, relay.address(1));
            String closed = log.await("unpaired session 127.0.0.1:" + agent.port() + " closed");
            assertTrue(closed.endsWith(": 2 dropped (2 knocks)"), closed);
            assertTrue(closed.startsWith("FINE"), "knocks are no loss worth an INFO line: " + closed);
        }
    }

    /** A session opened by data never knocks: its 0x00 waits for the partner like any datagram. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aSessionOpenedByDataNeverKnocks(Transport transport) throws Exception {
        try (TestRelay relay = rendezvous(transport);
                UdpPeer user = new UdpPeer();
                UdpPeer agent = new UdpPeer()) {
            user.send("first", relay.address(0));
            user.send(new byte[] {0}, relay.address(0));
            agent.send(new byte[] {0}, relay.address(1));
            assertEquals("first", agent.receiveText());
            assertArrayEquals(new byte[] {0}, agent.receive().data());
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void pairsFirstComeFirstServed(Transport transport) throws Exception {
        try (TestRelay relay = rendezvous(transport);
                UdpPeer user1 = new UdpPeer();
                UdpPeer user2 = new UdpPeer();
                UdpPeer agent1 = new UdpPeer();
                UdpPeer agent2 = new UdpPeer()) {
            user1.send("from user 1", relay.address(0));
            agent1.send(new byte[] {0}, relay.address(1));
            assertEquals("from user 1", agent1.receiveText());
            agent2.send(new byte[] {0}, relay.address(1));
            user2.send("from user 2", relay.address(0));
            assertEquals("from user 2", agent2.receiveText());
            agent1.send("to user 1", relay.address(1));
            agent2.send("to user 2", relay.address(1));
            assertEquals("to user 1", user1.receiveText());
            assertEquals("to user 2", user2.receiveText());
            assertEquals(4, sessionCount(relay));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void anUnpairedSessionExpiresAfterThePairTimeoutAndSaysWhatItDropped(Transport transport) throws Exception {
        try (LogCapture log = new LogCapture();
                TestRelay relay = rendezvous(transport, "--pair-timeout", "1");
                UdpPeer user = new UdpPeer();
                UdpPeer agent = new UdpPeer()) {
            user.send("nobody hears this", relay.address(0));
            relay.await("an unpaired session", events -> events.unpaired(Unpaired.NO_PARTNER) == 1
                    && events.dropped(Drop.UNDELIVERED) == 1);
            // The line is the feature: an unpaired session says so at INFO only when it lost datagrams.
            String prefix = "INFO unpaired session 127.0.0.1:" + user.port() + " closed (";
            assertTrue(log.lines().stream().anyMatch(l -> l.startsWith(prefix) && l.endsWith(": 1 dropped (1 undelivered)")),
                    log.lines()::toString);
            assertEquals(0, sessionCount(relay));
            agent.send(new byte[] {0}, relay.address(1));
            user.send("second try", relay.address(0));
            assertEquals("second try", agent.receiveText());
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void holdingIsBoundedByCountAndTheRestIsCounted(Transport transport) throws Exception {
        holdBeyondTheBound(transport, HeldDatagrams.MAX_DATAGRAMS + 1, 100);
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void holdingIsBoundedByBytesAndTheRestIsCounted(Transport transport) throws Exception {
        holdBeyondTheBound(transport, HeldDatagrams.MAX_BYTES / 60000 + 1, 60000);
    }

    /**
     * Sends {@code count} datagrams of {@code size} bytes, one more than an unpaired session may
     * hold, then pairs it: all but the last arrive in order, and the last is counted as dropped.
     */
    private static void holdBeyondTheBound(Transport transport, int count, int size) throws Exception {
        try (LogCapture log = new LogCapture(); TestRelay relay = rendezvous(transport, "--udp-timeout", "1");
                UdpPeer user = new UdpPeer();
                UdpPeer agent = new UdpPeer()) {
            for (int i = 0; i < count; i++) {
                byte[] data = new byte[size];
                data[0] = (byte) (i + 1);
                user.send(data, relay.address(0));
            }
            // The relay reads one socket in order: once the last datagram is dropped, all were read.
            relay.await("a datagram beyond the bound", events -> events.dropped(Drop.HOLD_FULL) == 1);
            agent.send(new byte[] {0}, relay.address(1));
            for (int i = 0; i < count - 1; i++) {
                byte[] data = agent.receive().data();
                assertEquals(size, data.length);
                assertEquals(i + 1, data[0]);
            }
            RelayStats events = relay.await("the pair expired", e -> e.sessionsExpired() == 1);
            assertEquals((long) (count - 1) * size, events.bytesToTarget(), events::toString);
            assertEquals(1, events.dropped(), events::toString);
            // The closing line is the feature: every datagram not forwarded, by reason, knocks included.
            assertTrue(log.lines().stream().anyMatch(l -> l.contains(" closed (idle for 1.0 s)")
                    && l.endsWith(", 2 dropped (1 knock, 1 over the hold limit)")), log.lines()::toString);
            assertEquals(0, sessionCount(relay));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aPairEndsWhenIdleAndBothSessionsLeaveTheTable(Transport transport) throws Exception {
        try (LogCapture log = new LogCapture(); TestRelay relay = rendezvous(transport, "--udp-timeout", "1");
                UdpPeer user = new UdpPeer();
                UdpPeer agent = new UdpPeer()) {
            agent.send(new byte[] {0}, relay.address(1));
            user.send("q", relay.address(0));
            assertEquals("q", agent.receiveText());
            agent.send("answer", relay.address(1));
            assertEquals("answer", user.receiveText());
            RelayStats events = relay.await("the pair expired", e -> e.sessionsExpired() == 1);
            assertEquals(1, events.bytesToTarget(), events::toString);
            assertEquals(6, events.bytesToClient(), events::toString);
            assertEquals(0, events.dropped(), events::toString);
            // The closing line is the feature: the agent's knock counted as not forwarded.
            assertTrue(log.lines().stream().anyMatch(l -> l.contains(" closed (idle for 1.0 s)")
                    && l.endsWith(", 1 dropped (1 knock)")), log.lines()::toString);
            assertEquals(0, sessionCount(relay));
        }
    }
}
