package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/** The agent against a hand-driven relay socket, so every knock and datagram can be seen. */
@ExtendWith(LeakCheck.class)
@Timeout(30)
class UdpConnConnectTest {

    static TestRelay agent(Transport transport, UdpPeer relay, EchoTarget target, String... options) throws Exception {
        String[] words = new String[options.length + 3];
        System.arraycopy(options, 0, words, 0, options.length);
        words[options.length] = "udp";
        words[options.length + 1] = "conn:127.0.0.1:" + relay.port();
        words[options.length + 2] = "conn:127.0.0.1:" + target.port();
        return TestRelay.start(transport, words);
    }

    /** Waits for a knock from a pool socket; anything else arriving first fails the test. */
    static InetSocketAddress knock(UdpPeer relay) {
        UdpPeer.Received knock = relay.receive();
        assertArrayEquals(new byte[] {0}, knock.data(), "expected a knock");
        return knock.from();
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void eachPoolSocketKnocksAndKeepsKnockingWhileTheRelayAnswersNothing(Transport transport) throws Exception {
        try (UdpPeer relay = new UdpPeer();
                EchoTarget target = new EchoTarget();
                TestRelay agent = agent(transport, relay, target, "--pool", "2", "--pair-timeout", "1")) {
            Set<InetSocketAddress> sockets = new HashSet<>();
            int knocks = 0;
            while (sockets.size() < 2 || knocks < 6) {
                sockets.add(knock(relay));
                knocks++;
            }
            assertEquals(2, sockets.size(), "two pool sockets, knocking every 0.5 s: " + sockets);
            assertTrue(target.received().isEmpty(), "a knock reached the target");
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void theFirstDatagramOpensASessionAndAReplacementJoinsThePool(Transport transport) throws Exception {
        try (UdpPeer relay = new UdpPeer();
                EchoTarget target = new EchoTarget();
                TestRelay agent = agent(transport, relay, target, "--pool", "1", "--udp-timeout", "1")) {
            InetSocketAddress pooled = knock(relay);
            relay.send(new byte[] {0}, pooled);
            // The echo and the replacement's knock race each other: take both, in either order.
            UdpPeer.Received first = relay.receive();
            UdpPeer.Received second = relay.receive();
            UdpPeer.Received echoed = first.from().equals(pooled) ? first : second;
            UdpPeer.Received replacement = echoed == first ? second : first;
            assertEquals(pooled, echoed.from(), "the reply came back through the same pool socket");
            assertArrayEquals(new byte[] {0}, echoed.data(), "the agent's first datagram is data, even 0x00");
            assertNotEquals(pooled, replacement.from());
            assertArrayEquals(new byte[] {0}, replacement.data(), "a replacement pool socket knocks");
            relay.send("second", pooled);
            assertEquals("second", new String(relay.receive().data()));
            assertEquals(1, target.sources(), "one session, one source port at the target");
            RelayStats events = agent.await("the session expired", e -> e.sessionsExpired() == 1);
            assertEquals(7, events.bytesToTarget(), events::toString);
            assertEquals(7, events.bytesToClient(), events::toString);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aRelayThatRefusesIsReportedOnceAndKnockingGoesOn(Transport transport) throws Exception {
        UdpPeer gone = new UdpPeer();
        int port = gone.port();
        gone.close();
        try (LogCapture log = new LogCapture();
                EchoTarget target = new EchoTarget();
                TestRelay agent = TestRelay.start(transport, "--pool", "1", "--pair-timeout", "1",
                        "udp", "conn:127.0.0.1:" + port, "conn:127.0.0.1:" + target.port())) {
            // The warning is the feature: the user learns the relay is not there, once.
            String warning = log.await("relay 127.0.0.1:" + port + " refused a knock (");
            assertTrue(warning.startsWith("WARNING") && warning.endsWith("still knocking every 0.5 s"), warning);
        }
    }
}
