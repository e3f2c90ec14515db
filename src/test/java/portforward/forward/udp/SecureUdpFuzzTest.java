package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.forward.udp.SecureUdpTamperingTest.initiator;
import static portforward.forward.udp.SecureUdpTamperingTest.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.Drop;
import portforward.support.LeakCheck;
import portforward.support.SecretFile;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * Many strangers at once, each sending seeded random datagrams to a listen+s UDP port: every
 * datagram is dropped and counted, none opens a session, no stranger gets a byte back, and the
 * real peer is served all the while.
 */
@ExtendWith(LeakCheck.class)
@Timeout(120)
class SecureUdpFuzzTest {
    private static final int STRANGERS = 40;
    private static final int EACH = 50;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void seededGarbageFromManyStrangersGetsNothingAndTheRealPeerIsServed(Transport transport) throws Exception {
        String key = SecretFile.create();
        Random random = new Random(15);
        List<UdpPeer> strangers = new ArrayList<>();
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer();
                TestRelay b = responder(transport, key, echo.port());
                HopTap tap = new HopTap(b.port(), HopTap.PASS);
                TestRelay a = initiator(transport, key, tap.port())) {
            client.send("before", a.address(0));
            assertEquals("before", client.receiveText());
            long dropped = b.events().dropped(Drop.UNAUTHENTICATED);
            for (int s = 0; s < STRANGERS; s++) {
                UdpPeer stranger = new UdpPeer();
                strangers.add(stranger);
                for (int i = 0; i < EACH; i++) {
                    byte[] garbage = new byte[random.nextInt(1500)];
                    random.nextBytes(garbage);
                    if (garbage.length > 0 && random.nextBoolean()) {
                        garbage[0] = (byte) (1 + random.nextInt(3)); // a hello, a welcome or sealed data, by type
                    }
                    stranger.send(garbage, b.address(0));
                }
                long expected = dropped + (long) (s + 1) * EACH;
                // Each stranger's batch is counted before the next is sent: the socket buffers never overflow.
                b.await("stranger " + s + "'s datagrams counted", e -> e.dropped(Drop.UNAUTHENTICATED) == expected);
            }
            client.send("after", a.address(0));
            assertEquals("after", client.receiveText(), "the real peer is served through it all");
            assertEquals(1, b.events().sessionsOpened(), "no stranger opened a session");
            for (UdpPeer stranger : strangers) {
                assertTrue(stranger.receiveWithin(Duration.ofMillis(20)).isEmpty(), "a stranger got an answer");
            }
            assertEquals(List.of("before", "after"), echo.received().stream().map(r -> new String(r.data(), java.nio.charset.StandardCharsets.UTF_8)).toList());
        } finally {
            strangers.forEach(UdpPeer::close);
        }
    }
}
