package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * Reverse UDP: a rendezvous relay in the open, an agent beside a DNS server that the relay cannot
 * reach, and a client asking the relay. Both run in-process, as two relays would on two hosts.
 */
@ExtendWith(LeakCheck.class)
@Timeout(30)
class UdpReverseChainTest {

    /** A DNS query for {@code name}, type A, class IN, recursion desired. */
    static byte[] query(int id, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) (id >> 8), (byte) id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            out.write(label.length());
            out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return out.toByteArray();
    }

    /** The answer a DNS server gives {@code query}: the same id and question, one A record 10.9.9.9. */
    static byte[] answer(byte[] query) {
        ByteBuffer reply = ByteBuffer.allocate(query.length + 16);
        reply.put(query);
        reply.put(2, (byte) 0x81).put(3, (byte) 0x80).put(7, (byte) 1); // response, recursion available, 1 answer
        reply.put(new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 9, 9, 9});
        return reply.array();
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aDnsQueryThroughRelayAndAgentIsAnswered(Transport transport) throws Exception {
        try (EchoTarget dns = new EchoTarget("127.0.0.1", UdpReverseChainTest::answer);
                TestRelay relay = TestRelay.start(transport, "--udp-timeout", "1",
                        "udp", "listen:127.0.0.1:0", "listen:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, "--udp-timeout", "1", "--pool", "2",
                        "udp", "conn:127.0.0.1:" + relay.port(1), "conn:127.0.0.1:" + dns.port())) {
            for (int id = 1; id <= 3; id++) {
                try (UdpPeer client = new UdpPeer()) {
                    byte[] question = query(0x1000 + id, "host" + id + ".example.test");
                    client.send(question, relay.address(0));
                    UdpPeer.Received reply = client.receive();
                    assertArrayEquals(answer(question), reply.data());
                    assertEquals(relay.address(0), reply.from());
                }
            }
            assertEquals(3, dns.received().size());
            assertTrue(dns.received().stream().allMatch(r -> r.data().length > 12 && r.data()[5] == 1),
                    "something other than a query reached the DNS server: a knock? "
                            + dns.received().stream().map(r -> Arrays.toString(r.data())).toList());
            // Relay and agent each end their side of all three sessions after a second of quiet;
            // the agent's fresh pool sockets still answer the next client.
            relay.await("three pairs expired", events -> events.sessionsExpired() == 3);
            agent.await("three sessions expired", events -> events.sessionsExpired() == 3);
            try (UdpPeer client = new UdpPeer()) {
                byte[] question = query(0x2000, "again.example.test");
                client.send(question, relay.address(0));
                assertArrayEquals(answer(question), client.receive().data());
            }
        }
    }
}
