package portforward.forward.tcp;

import static portforward.forward.tcp.SecureRelayTest.secureRelay;
import static portforward.support.Sockets.assertEcho;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.SecretFile;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * A relay that vanishes without a FIN, as seen from its agent: a middlebox passes the handshake
 * of the first link and then swallows everything, heartbeats included. Both ends must give that
 * link up by themselves, and the agent must open a replacement that serves.
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class SecureHeartbeatTest {
    /** What each side writes up to and including the initiator's READY record: H1 and READY, H2. */
    private static final int AGENT_HANDSHAKE_BYTES = (2 + 32 + 31 + 16) + (2 + 1 + 16);
    private static final int RELAY_HANDSHAKE_BYTES = 2 + 32 + 2 + 16;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void swallowedHeartbeatsCloseTheLinkAndTheAgentReplacesIt(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = secureRelay(transport, key);
                Middlebox box = new Middlebox(relay.port(1));
                TestRelay agent = TestRelay.start(transport, "--heartbeat", "0.2", "--pool", "1",
                        "--secret-file", key, "tcp", "conn+s:127.0.0.1:" + box.port(), "conn:127.0.0.1:" + echo.port())) {
            box.await(box.agentSideClosed, "the agent to give up the silent link");
            box.await(box.relaySideClosed, "the relay to give up the silent link");
            box.await(box.secondConnection, "the agent to open a replacement");
            assertEcho(relay.port(0), "served by the replacement");
        }
    }

    /** Passes the first connection's handshake, then swallows both ways; later connections pass whole. */
    private static final class Middlebox implements AutoCloseable {
        final CountDownLatch agentSideClosed = new CountDownLatch(1);
        final CountDownLatch relaySideClosed = new CountDownLatch(1);
        final CountDownLatch secondConnection = new CountDownLatch(1);
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger connections = new AtomicInteger();
        private final int relayPort;

        Middlebox(int relayPort) throws IOException {
            this.relayPort = relayPort;
            start(this::acceptLoop);
        }

        int port() {
            return server.getLocalPort();
        }

        void await(CountDownLatch latch, String what) throws InterruptedException {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("waited 30 s for " + what);
            }
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket agent = server.accept();
                    Socket relay = new Socket(InetAddress.getLoopbackAddress(), relayPort);
                    boolean first = connections.incrementAndGet() == 1;
                    if (!first) {
                        secondConnection.countDown();
                    }
                    long up = first ? AGENT_HANDSHAKE_BYTES : Long.MAX_VALUE;
                    long down = first ? RELAY_HANDSHAKE_BYTES : Long.MAX_VALUE;
                    start(() -> pump(agent, relay, up, first ? agentSideClosed : null));
                    start(() -> pump(relay, agent, down, first ? relaySideClosed : null));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        /** Copies the first {@code limit} bytes, swallows the rest, and says when {@code from} closed. */
        private static void pump(Socket from, Socket to, long limit, CountDownLatch ended) {
            byte[] buf = new byte[8192];
            long passed = 0;
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf, 0, (int) Math.min(buf.length, Math.max(1, limit - passed)))) > 0) {
                    if (passed < limit) {
                        out.write(buf, 0, n);
                        passed += n;
                    }
                }
                if (limit == Long.MAX_VALUE) {
                    to.shutdownOutput();
                }
            } catch (IOException e) {
                // a reset ends it too
            }
            // The far side is left open: each end must find out by itself.
            if (ended != null) {
                ended.countDown();
            }
        }

        private static void start(Runnable r) {
            Thread t = new Thread(r, "middlebox");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
