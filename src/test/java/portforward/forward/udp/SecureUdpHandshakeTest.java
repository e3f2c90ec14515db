package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.forward.udp.SecureUdpTamperingTest.initiator;
import static portforward.forward.udp.SecureUdpTamperingTest.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.HandshakeTurns;
import portforward.forward.RelayStats.Drop;
import portforward.forward.udp.HopTap.Seen;
import portforward.forward.udp.HopTap.Way;
import portforward.hop.secure.Strangers;
import portforward.support.Counters;
import portforward.support.HeldLoops;
import portforward.support.LeakCheck;
import portforward.support.SecretFile;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * The handshake in datagrams, as the network and strangers treat it: a first message lost, one
 * duplicated, one under another secret, and a stranger's knock and forged first messages, which
 * get nothing back, not a byte, and open no session.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class SecureUdpHandshakeTest {
    static final int HELLO = 1;
    static final int WELCOME = 2;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aLostFirstMessageIsSentAgainAsItWas(Transport transport) throws Exception {
        String key = SecretFile.create();
        AtomicBoolean lost = new AtomicBoolean();
        HopTap.Policy loseFirst = (way, flow, d) -> d[0] == HELLO && lost.compareAndSet(false, true) ? List.of() : List.of(d);
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer();
                TestRelay b = responder(transport, key, echo.port());
                HopTap tap = new HopTap(b.port(), loseFirst);
                TestRelay a = initiator(transport, key, tap.port())) {
            client.send("after a loss", a.address(0));
            assertEquals("after a loss", client.receiveText());
            List<Seen> hellos = tap.seen(Way.TO_RESPONDER, HELLO);
            assertTrue(hellos.size() >= 2, "the first message was sent again");
            assertArrayEquals(hellos.get(0).data(), hellos.get(1).data(), "a retransmission is the same message");
            assertEquals(1, a.events().handshakesOk());
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aDuplicatedFirstMessageGetsTheSameReplyAndNoSecondSession(Transport transport) throws Exception {
        String key = SecretFile.create();
        HopTap.Policy twice = (way, flow, d) -> d[0] == HELLO ? List.of(d, d) : List.of(d);
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer();
                TestRelay b = responder(transport, key, echo.port());
                HopTap tap = new HopTap(b.port(), twice);
                TestRelay a = initiator(transport, key, tap.port())) {
            client.send("once", a.address(0));
            assertEquals("once", client.receiveText());
            tap.await("two replies", seen -> seen.stream().filter(s -> s.type() == WELCOME).count() == 2);
            List<Seen> welcomes = tap.seen(Way.TO_INITIATOR, WELCOME);
            assertArrayEquals(welcomes.get(0).data(), welcomes.get(1).data(), "the duplicate got the very same reply");
            client.send("twice", a.address(0));
            assertEquals("twice", client.receiveText());
            assertEquals(1, b.events().sessionsOpened(), "one session at B");
            assertEquals(1, echo.sources(), "one source port at the target");
            assertEquals(1, b.forwarder().secureListeners().get(0).accepted());
            assertEquals(0, a.events().dropped(), "the second reply is a repeat, not an attack: " + a.events());
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aResponderWithAnotherSecretSendsNothingAtAll(Transport transport) throws Exception {
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer();
                TestRelay b = responder(transport, SecretFile.create(), echo.port());
                HopTap tap = new HopTap(b.port(), HopTap.PASS);
                TestRelay a = initiator(transport, SecretFile.create(), tap.port())) {
            client.send("wrong key", a.address(0));
            a.await("the handshake given up", e -> e.handshakesFailed() == 1);
            int hellos = tap.seen(Way.TO_RESPONDER, HELLO).size();
            assertTrue(hellos >= 3, "retransmitted with backoff: " + hellos);
            b.await("every first message refused", e -> e.dropped(Drop.UNAUTHENTICATED) == hellos);
            assertEquals(List.of(), tap.seen().stream().filter(s -> s.way() == Way.TO_INITIATOR).toList(),
                    "B answered a peer without the secret");
            assertEquals(0, b.events().sessionsOpened());
            assertEquals(hellos, b.forwarder().secureListeners().get(0).refused());
            assertTrue(echo.received().isEmpty());
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aStrangersKnockAndForgedFirstMessagesGetNothingAndOpenNoSession(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer(); UdpPeer stranger = new UdpPeer();
                TestRelay b = responder(transport, key, echo.port());
                HopTap tap = new HopTap(b.port(), HopTap.PASS);
                TestRelay a = initiator(transport, key, tap.port())) {
            stranger.send(new byte[] {0}, b.address(0));
            b.await("the knock counted", e -> e.dropped(Drop.UNAUTHENTICATED) == 1);
            client.send("real", a.address(0));
            assertEquals("real", client.receiveText());
            byte[] hello = tap.seen(Way.TO_RESPONDER, HELLO).get(0).data();
            for (int i = 0; i < hello.length; i++) {
                byte[] forged = hello.clone();
                forged[i] ^= 0x40;
                stranger.send(forged, b.address(0));
            }
            stranger.send(hello, b.address(0)); // replayed whole, from elsewhere
            b.await("every forged first message counted", e -> e.dropped(Drop.UNAUTHENTICATED) == 2 + hello.length);
            assertTrue(stranger.receiveWithin(Duration.ofMillis(100)).isEmpty(), "the stranger got an answer");
            assertEquals(1, b.events().sessionsOpened(), "only the real client's session");
            assertEquals(1, echo.received().size());
        }
    }

    /**
     * A peer that has the secret and gets its reply, then never sends a datagram under the new
     * keys (a middlebox swallows them): the responder gives it up by its own 5 s limit, counts it
     * refused, opens no session, and never sent it anything but the reply its first message earned.
     */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aPeerThatNeverConfirmsItsKeysIsGivenUpByTheResponder(Transport transport) throws Exception {
        String key = SecretFile.create();
        HopTap.Policy onlyHellos = (way, flow, d) -> way == Way.TO_INITIATOR || d[0] == HELLO ? List.of(d) : List.of();
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer();
                TestRelay b = responder(transport, key, echo.port());
                HopTap tap = new HopTap(b.port(), onlyHellos);
                TestRelay a = initiator(transport, key, tap.port())) {
            client.send("swallowed", a.address(0));
            Strangers strangers = b.forwarder().secureListeners().get(0);
            Counters.awaitAtLeast(strangers::refused, 1, "the unconfirmed peer given up");
            assertEquals(0, strangers.accepted(), "it never proved the secret with a datagram");
            assertEquals(0, b.events().sessionsOpened());
            assertTrue(echo.received().isEmpty());
            assertTrue(tap.seen().stream().filter(d -> d.way() == Way.TO_INITIATOR).allMatch(d -> d.type() == WELCOME),
                    "the responder sent it nothing but welcomes");
        }
    }
    /**
     * More new clients at once than a listen+s end lets one source have handshakes pending (64),
     * while that end is busy: the forward's relay takes turns, so the far end finds only as many
     * first messages waiting as the turns allow, refuses none, and every client is answered.
     */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aBurstOfNewClientsBeyondTheFarEndsBoundIsAnsweredWhole(Transport transport) throws Exception {
        String key = SecretFile.create();
        int clients = 200;
        List<UdpPeer> peers = new ArrayList<>();
        try (EchoTarget echo = new EchoTarget();
                TestRelay b = responder(transport, key, echo.port());
                HopTap tap = new HopTap(b.port(), HopTap.PASS);
                TestRelay a = initiator(transport, key, tap.port())) {
            for (int i = 0; i < clients; i++) {
                peers.add(new UdpPeer());
            }
            try (HeldLoops busy = HeldLoops.hold(b.context().group())) {
                for (int i = 0; i < clients; i++) {
                    peers.get(i).send("client " + i, a.address(0));
                }
                a.await("every session's handshake under way or waiting its turn",
                        e -> e.handshakesWaiting() == clients - HandshakeTurns.IN_FLIGHT);
                // The tap passes each datagram on before it reads the next, so once every flow's
                // first message has come again, all the first messages wait in B's socket.
                tap.await("each first message under way sent again", seen -> {
                    Map<Integer, Long> perFlow = seen.stream().filter(d -> d.type() == HELLO)
                            .collect(Collectors.groupingBy(Seen::flow, Collectors.counting()));
                    return perFlow.size() == HandshakeTurns.IN_FLIGHT && perFlow.values().stream().allMatch(n -> n >= 2);
                });
            }
            for (int i = 0; i < clients; i++) {
                assertEquals("client " + i, peers.get(i).receiveText());
            }
            assertEquals(0, b.forwarder().secureListeners().get(0).refused(), "handshakes the far end refused");
            assertEquals(clients, a.events().handshakesOk());
        } finally {
            peers.forEach(UdpPeer::close);
        }
    }
}
