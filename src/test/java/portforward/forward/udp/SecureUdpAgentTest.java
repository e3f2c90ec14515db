package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.Drop;
import portforward.forward.RelayStats.Unpaired;
import portforward.forward.udp.HopTap.Way;
import portforward.support.LeakCheck;
import portforward.support.SecretFile;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * Reverse UDP over the secure hop: a relay (listen, listen+s) and its agent (conn+s, conn). Many
 * clients at once are each answered; an agent socket whose relay falls silent is replaced, and
 * the relay forgets the silent one instead of pairing a client with it.
 */
@ExtendWith(LeakCheck.class)
@Timeout(120)
class SecureUdpAgentTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void twoThousandClientsThroughRelayAndAgentAreEachAnswered(Transport transport) throws Exception {
        String key = SecretFile.create();
        int clients = 2000;
        List<UdpPeer> peers = new ArrayList<>();
        try (EchoTarget echo = new EchoTarget();
                TestRelay relay = TestRelay.start(transport, "--secret-file", key, "udp", "listen:127.0.0.1:0",
                        "listen+s:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, "--secret-file", key, "--pool", "32", "udp",
                        "conn+s:127.0.0.1:" + relay.port(1), "conn:127.0.0.1:" + echo.port())) {
            for (int i = 0; i < clients; i++) {
                UdpPeer peer = new UdpPeer();
                peers.add(peer);
                peer.send(ByteBuffer.allocate(4).putInt(i).array(), relay.address(0));
            }
            for (int i = 0; i < clients; i++) {
                UdpPeer.Received reply = peers.get(i).receive(Duration.ofSeconds(60));
                assertArrayEquals(ByteBuffer.allocate(4).putInt(i).array(), reply.data(), "client " + i);
            }
            assertEquals(clients, echo.sources(), "one agent session, one source port, per client");
            assertEquals(0, relay.events().dropped(), relay.events()::toString);
            assertEquals(0, agent.events().dropped(), agent.events()::toString);
        } finally {
            peers.forEach(UdpPeer::close);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void anAgentSocketWhoseRelayFallsSilentIsReplacedAndTheRelayForgetsIt(Transport transport) throws Exception {
        String key = SecretFile.create();
        AtomicBoolean shaken = new AtomicBoolean();
        // Flow 0 gets its handshake through (and the keepalive that confirms it), then nothing more, either way.
        HopTap.Policy swallowFirst = (way, flow, d) -> {
            if (flow != 0) {
                return List.of(d);
            }
            if (way == Way.TO_INITIATOR && d[0] == 2) {
                return List.of(d);
            }
            return way == Way.TO_RESPONDER && (d[0] == 1 || shaken.compareAndSet(false, true)) ? List.of(d) : List.of();
        };
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer();
                TestRelay relay = TestRelay.start(transport, "--secret-file", key, "udp", "listen:127.0.0.1:0",
                        "listen+s:127.0.0.1:0");
                HopTap tap = new HopTap(relay.port(1), swallowFirst);
                TestRelay agent = TestRelay.start(transport, "--secret-file", key, "--pool", "1", "--heartbeat", "0.2",
                        "udp", "conn+s:127.0.0.1:" + tap.port(), "conn:127.0.0.1:" + echo.port())) {
            relay.await("the relay to forget the silent agent socket", e -> e.unpaired(Unpaired.CLIENT_LEFT) == 1);
            relay.await("a replacement waiting", e -> e.waitingArrived() == 2);
            agent.await("the replacement's handshake", e -> e.handshakesOk() == 2);
            client.send("via the replacement", relay.address(0));
            assertEquals("via the replacement", client.receiveText());
            assertEquals(0, relay.events().dropped(Drop.UNAUTHENTICATED), relay.events()::toString);
        }
    }
}
