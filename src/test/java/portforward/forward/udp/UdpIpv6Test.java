package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/** IPv6 on either side, and IPv4 and IPv6 mixed, as for TCP. */
@ExtendWith(LeakCheck.class)
@Timeout(30)
class UdpIpv6Test {

    /** Sends {@code size} random bytes from {@code clientHost} through {@code listen} to an echo on {@code targetHost}. */
    private static void roundTrip(Transport transport, String clientHost, String listen, String targetHost, int size)
            throws Exception {
        try (EchoTarget target = new EchoTarget(targetHost, data -> data);
                TestRelay relay = TestRelay.start(transport, "udp", "listen:" + listen + ":0",
                        "conn:" + (targetHost.contains(":") ? "[" + targetHost + "]" : targetHost) + ":" + target.port());
                UdpPeer client = new UdpPeer(clientHost)) {
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            data[0] = 1;
            client.send(data, relay.address(0));
            UdpPeer.Received reply = client.receive();
            assertArrayEquals(data, reply.data());
            assertEquals(relay.address(0), reply.from());
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void ipv6BothSidesCarriesTheLargestIpv6Datagram(Transport transport) throws Exception {
        roundTrip(transport, "::1", "[::1]", "::1", 65527);
        roundTrip(transport, "::1", "[::1]", "::1", 1);
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void ipv6ClientsToAnIpv4Target(Transport transport) throws Exception {
        roundTrip(transport, "::1", "[::1]", "127.0.0.1", 65507);
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void ipv4ClientsToAnIpv6Target(Transport transport) throws Exception {
        roundTrip(transport, "127.0.0.1", "127.0.0.1", "::1", 1400);
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aRendezvousPairsAnIpv6ClientWithAnIpv4One(Transport transport) throws Exception {
        try (TestRelay relay = TestRelay.start(transport, "udp", "listen:[::1]:0", "listen:127.0.0.1:0");
                UdpPeer user = new UdpPeer("::1");
                UdpPeer agent = new UdpPeer("127.0.0.1")) {
            agent.send(new byte[] {0}, relay.address(1));
            user.send("over v6", relay.address(0));
            assertEquals("over v6", agent.receiveText());
            agent.send("over v4", relay.address(1));
            assertEquals("over v4", user.receiveText());
        }
    }
}
