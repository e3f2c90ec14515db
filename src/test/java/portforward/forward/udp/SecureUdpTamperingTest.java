package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.Drop;
import portforward.forward.udp.HopTap.Way;
import portforward.support.LeakCheck;
import portforward.support.SecretFile;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * An attacker on the path of a secure UDP forward (client, A: listen conn+s, tap, B: listen+s
 * conn, echo) changes, cuts short and replays the sealed datagrams it sees. B must take none of
 * them, count each, and answer none.
 */
@ExtendWith(LeakCheck.class)
@Timeout(90)
class SecureUdpTamperingTest {
    static final byte DATA = 3;

    /** The relays around {@code tap}'s place: [A, B]; the tap is made by the caller once B is up. */
    static TestRelay responder(Transport transport, String key, int target) throws Exception {
        return TestRelay.start(transport, "--secret-file", key, "udp", "listen+s:127.0.0.1:0", "conn:127.0.0.1:" + target);
    }

    static TestRelay initiator(Transport transport, String key, int tapPort, String... options) throws Exception {
        return TestRelay.start(transport, SecureUdpTest.with(options, "--secret-file", key, "udp", "listen:127.0.0.1:0",
                "conn+s:127.0.0.1:" + tapPort));
    }

    static boolean isData(byte[] d) {
        return d.length > 29 && d[0] == DATA;
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void everyByteFlippedAndEveryTruncationIsDroppedAndAnsweredWithNothing(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer();
                TestRelay b = responder(transport, key, echo.port());
                HopTap tap = new HopTap(b.port(), HopTap.PASS);
                TestRelay a = initiator(transport, key, tap.port())) {
            client.send("sealed", a.address(0));
            assertEquals("sealed", client.receiveText());
            byte[] sealed = tap.seen().stream().filter(s -> s.way() == Way.TO_RESPONDER && isData(s.data()))
                    .findFirst().orElseThrow().data();
            int answersBefore = tap.seen().stream().filter(s -> s.way() == Way.TO_INITIATOR).toList().size();
            for (int i = 0; i < sealed.length; i++) {
                byte[] flipped = sealed.clone();
                flipped[i] ^= 1 << (i % 8);
                tap.inject(0, flipped);
                tap.inject(0, Arrays.copyOf(sealed, i));
            }
            int expected = 2 * sealed.length;
            b.await("every changed datagram counted", e -> e.dropped(Drop.UNAUTHENTICATED) == expected);
            assertEquals(1, echo.received().size(), "only the original reached the target");
            assertEquals(answersBefore, tap.seen().stream().filter(s -> s.way() == Way.TO_INITIATOR).toList().size(),
                    "B answered a changed datagram");
            client.send("still", a.address(0));
            assertEquals("still", client.receiveText(), "the session survived the attack");
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void replaysAreDroppedAndSoIsAnythingOlderThanTheWindowWhileReorderingWithinItIsTaken(Transport transport)
            throws Exception {
        String key = SecretFile.create();
        AtomicInteger data = new AtomicInteger();
        AtomicReference<byte[]> held = new AtomicReference<>();
        List<Integer> hold = List.of(1, 12);
        HopTap.Policy holdBack = (way, flow, d) -> {
            if (way == Way.TO_RESPONDER && isData(d) && hold.contains(data.getAndIncrement())) {
                held.set(d);
                return List.of();
            }
            return List.of(d);
        };
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer();
                TestRelay b = responder(transport, key, echo.port());
                HopTap tap = new HopTap(b.port(), holdBack);
                TestRelay a = initiator(transport, key, tap.port())) {
            client.send("d0", a.address(0));
            assertEquals("d0", client.receiveText());
            byte[] first = tap.seen().stream().filter(s -> s.way() == Way.TO_RESPONDER && isData(s.data()))
                    .findFirst().orElseThrow().data();
            for (int i = 0; i < 3; i++) {
                tap.inject(0, first);
            }
            b.await("three replays counted", e -> e.dropped(Drop.UNAUTHENTICATED) == 3);

            client.send("d1", a.address(0)); // held back by the tap
            for (int i = 2; i < 12; i++) {
                client.send("d" + i, a.address(0));
                assertEquals("d" + i, client.receiveText());
            }
            tap.inject(0, held.get()); // 10 counters late: within the window, and never seen
            assertEquals("d1", client.receiveText(), "a datagram reordered within the window is taken");

            client.send("d12", a.address(0)); // held back again
            int late = 2100;
            for (int i = 13; i < 13 + late; i++) {
                client.send("d" + i, a.address(0));
                assertEquals("d" + i, client.receiveText());
            }
            tap.inject(0, held.get()); // more than the window (1984) behind
            b.await("the datagram older than the window counted", e -> e.dropped(Drop.UNAUTHENTICATED) == 4);
            assertTrue(echo.received().stream().noneMatch(r -> Arrays.equals(r.data(), "d12".getBytes())),
                    "the datagram older than the window reached the target");
            assertEquals(1, echo.received().stream().filter(r -> Arrays.equals(r.data(), "d0".getBytes())).count());
            assertArrayEquals("d1".getBytes(), echo.received().get(11).data());
        }
    }
}
