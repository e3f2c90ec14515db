package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.Drop;
import portforward.hop.secure.udp.DatagramDrop;
import portforward.support.LeakCheck;
import portforward.support.SecretFile;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * UDP over the secure hop, both shapes: a forward through two relays (listen, conn+s; listen+s,
 * conn) and a rendezvous relay with its agent (listen, listen+s; conn+s, conn). Datagrams of 1 B,
 * 1400 B and the largest the hop carries arrive whole; one byte larger is dropped and counted.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class SecureUdpTest {
    static final int MAX = DatagramDrop.MAX_PAYLOAD;

    /** Relay B (listen+s, conn to {@code target}) and relay A (listen, conn+s to B). */
    static TestRelay[] forward(Transport transport, String key, int target, String... options) throws Exception {
        TestRelay b = TestRelay.start(transport, with(options, "--secret-file", key, "udp", "listen+s:127.0.0.1:0",
                "conn:127.0.0.1:" + target));
        TestRelay a = TestRelay.start(transport, with(options, "--secret-file", key, "udp", "listen:127.0.0.1:0",
                "conn+s:127.0.0.1:" + b.port()));
        return new TestRelay[] {a, b};
    }

    static String[] with(String[] options, String... words) {
        String[] all = java.util.Arrays.copyOf(options, options.length + words.length);
        System.arraycopy(words, 0, all, options.length, words.length);
        return all;
    }

    static byte[] random(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    static void roundTrips(UdpPeer client, java.net.InetSocketAddress relay) {
        for (int size : new int[] {1, 1400, MAX}) {
            byte[] data = random(size, size);
            client.send(data, relay);
            UdpPeer.Received back = client.receive(Duration.ofSeconds(15));
            assertArrayEquals(data, back.data(), size + " bytes came back changed");
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aForwardOverTheHopCarriesOneByteAFullPacketAndTheLargestDatagram(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer()) {
            TestRelay[] relays = forward(transport, key, echo.port(), "--udp-timeout", "1");
            try (TestRelay a = relays[0]; TestRelay b = relays[1]) {
                roundTrips(client, a.address(0));
                client.send(random(MAX + 1, 7), a.address(0));
                a.await("the oversized datagram counted", e -> e.dropped(Drop.TOO_LARGE) == 1);
                assertEquals(3, echo.received().size(), "only the three that fit reached the target");
                a.await("the session expired", e -> e.sessionsExpired() == 1);
                assertEquals(1 + 1400 + MAX, a.events().bytesToTarget(), "the session counts the dropped one as dropped");
                assertEquals(1, a.events().handshakesOk(), "one session, one handshake");
                assertEquals(0, b.events().dropped(Drop.UNAUTHENTICATED), b.events()::toString);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aRelayAndItsAgentCarryTheSameSizes(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer();
                TestRelay relay = TestRelay.start(transport, "--secret-file", key, "udp", "listen:127.0.0.1:0",
                        "listen+s:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, "--secret-file", key, "--pool", "2", "udp",
                        "conn+s:127.0.0.1:" + relay.port(1), "conn:127.0.0.1:" + echo.port())) {
            relay.await("both pool sockets waiting", e -> e.waitingArrived() >= 2);
            roundTrips(client, relay.address(0));
            assertTrue(echo.received().stream().allMatch(r -> r.data().length > 0));
            assertEquals(0, relay.events().dropped(Drop.UNAUTHENTICATED), relay.events()::toString);
        }
    }
}
