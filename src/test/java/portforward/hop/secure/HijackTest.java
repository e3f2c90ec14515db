package portforward.hop.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static portforward.hop.secure.Replies.assertNothing;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * The hole the secure hop closes: on a plain rendezvous relay, whoever reaches the agent port
 * first is paired with the next client and receives its bytes. Raw TCP clients that arrive on the
 * listen+s port before any agent (one silent, one speaking plaintext) must get none of the
 * client's bytes, and must not take the place the real agent takes when it comes.
 */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class HijackTest {
    private static final String MARKER = "marker-7d3f: the client's first bytes";

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void rawClientsOnTheAgentPortNeverReceiveTheClientsBytes(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        try (TcpServer target = TcpServer.echo();
                TestRelay relay = key.rendezvous(transport);
                Socket silent = Sockets.connect(relay.port(1));
                Socket talking = Sockets.connect(relay.port(1));
                Socket client = Sockets.connect(relay.port(0))) {
            Sockets.send(talking, "GET / HTTP/1.0\r\n\r\n");
            Sockets.send(client, MARKER);
            try (TestRelay agent = TestRelay.start(transport, "--secret-file", key.file(), "tcp",
                    "conn+s:127.0.0.1:" + relay.port(1), "conn:127.0.0.1:" + target.port())) {
                assertEquals(MARKER, Sockets.readText(client, MARKER.getBytes(StandardCharsets.UTF_8).length),
                        "the client, served by the real agent");
            }
            assertNothing(silent, "a silent raw client on the agent port");
            assertNothing(talking, "a plaintext raw client on the agent port");
            Replies.awaitAtLeast(Replies.strangers(relay)::refused, 2, "raw clients refused");
        }
    }
}
