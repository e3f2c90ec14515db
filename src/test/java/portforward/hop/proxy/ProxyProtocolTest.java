package portforward.hop.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static portforward.support.Sockets.connectFrom;

import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.Refusal;
import portforward.support.LeakCheck;
import portforward.support.SecretFile;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * conn+pp1/conn+pp2 and listen+pp end to end: the target's bytes are decoded by Netty's
 * HAProxyMessageDecoder, and must name the client as it connected (127.0.0.2 on loopback).
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class ProxyProtocolTest {

    /** The client sends {@code text} from 127.0.0.2 and ends; returns what the target got, decoded. */
    static ProxyHeaders through(int relayPort, TcpServer target, String text, int[] clientPort) throws Exception {
        try (Socket client = connectFrom("127.0.0.2", "127.0.0.1", relayPort)) {
            clientPort[0] = client.getLocalPort();
            client.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            client.shutdownOutput();
            try (Socket at = target.next()) {
                return ProxyHeaders.readFrom(at);
            }
        }
    }

    /** Through {@code relayPort}, the target is told the client at 127.0.0.2 and its port, and gets its bytes. */
    static ProxyHeaders assertClientSeen(int relayPort, TcpServer target, String text) throws Exception {
        int[] port = new int[1];
        ProxyHeaders got = through(relayPort, target, text, port);
        assertEquals("127.0.0.2", got.source());
        assertEquals(port[0], got.sourcePort());
        assertEquals(text, got.after());
        return got;
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void connPp1AndPp2SendTheClientBeforeItsFirstByte(Transport transport) throws Exception {
        for (String version : new String[] {"pp1", "pp2"}) {
            try (TcpServer target = TcpServer.queueing("127.0.0.1");
                    TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0",
                            "conn+" + version + ":127.0.0.1:" + target.port())) {
                int[] port = new int[1];
                ProxyHeaders got = through(relay.port(), target, "hello after the header", port);
                assertEquals(version.equals("pp1") ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2, got.version());
                assertEquals("127.0.0.2", got.source());
                assertEquals(port[0], got.sourcePort());
                assertEquals("127.0.0.1", got.destination());
                assertEquals(relay.port(), got.destinationPort(), "the address the client connected to");
                assertEquals("hello after the header", got.after());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void listenPpTakesTheClientFromTheHeaderForTheAllowListAndTheNextHeader(Transport transport) throws Exception {
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay inner = TestRelay.start(transport, "--allow-from", "127.0.0.2", "tcp", "listen+pp:127.0.0.1:0",
                        "conn+pp1:127.0.0.1:" + target.port());
                TestRelay balancer = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0",
                        "conn+pp2:127.0.0.1:" + inner.port())) {
            // The inner relay's own peer is the balancer, 127.0.0.1, which the list does not name:
            // only the header's 127.0.0.2 lets the link through.
            int[] port = new int[1];
            ProxyHeaders got = through(balancer.port(), target, "through two", port);
            assertEquals(HAProxyProtocolVersion.V1, got.version());
            assertEquals("127.0.0.2", got.source());
            assertEquals(port[0], got.sourcePort());
            assertEquals(balancer.port(), got.destinationPort(), "the balancer's header said where the client came in");
            assertEquals("through two", got.after());

            try (Socket stranger = connectFrom("127.0.0.3", "127.0.0.1", balancer.port())) {
                // Its end or a reset, as the balancer carries the inner relay's close: either way no byte.
                assertEquals(false, Sockets.echoed(stranger, "let me in"));
                inner.await("the stranger refused by its header's address", e -> e.refused(Refusal.NOT_ALLOWED) == 1);
            }
            assertEquals(1, inner.events().linksOpened());
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void throughRelayAndAgentTheTargetSeesTheRealClient(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = TestRelay.start(transport, "--secret-file", key, "tcp", "listen:127.0.0.1:0",
                        "listen+s:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, "--secret-file", key, "tcp",
                        "conn+s:127.0.0.1:" + relay.port(1), "conn+pp2:127.0.0.1:" + target.port())) {
            agent.await("the agent's pool", e -> e.agentPooled() > 0);
            for (int i = 0; i < 3; i++) { // kept connections carry each link's own client
                ProxyHeaders got = assertClientSeen(relay.port(0), target, "via the agent " + i);
                assertEquals(target.port(), got.destinationPort(), "the relay's address does not travel: the target's own");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void throughASecureForwardTheFarEndWritesTheClient(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay far = TestRelay.start(transport, "--secret-file", key, "tcp", "listen+s:127.0.0.1:0",
                        "conn+pp1:127.0.0.1:" + target.port());
                TestRelay near = TestRelay.start(transport, "--secret-file", key, "tcp", "listen:127.0.0.1:0",
                        "conn+s:127.0.0.1:" + far.port())) {
            for (int i = 0; i < 3; i++) {
                assertEquals(HAProxyProtocolVersion.V1, assertClientSeen(near.port(), target, "over the hop " + i).version());
            }
        }
    }
}
