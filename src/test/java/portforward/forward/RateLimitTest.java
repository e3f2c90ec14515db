package portforward.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * --rate-limit: 50 MiB through a forward capped at 16 MiB/s arrive intact at 16 MiB/s, give or
 * take 15 %. The one test where a duration is the feature: the rate is measured at the target,
 * from its first byte to its last, and the cap is chosen so that this takes about three seconds.
 */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class RateLimitTest {
    private static final int TOTAL = 50 << 20;
    private static final long CAP = 16 << 20;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aLargeTransferKeepsToTheCapAndArrivesIntact(Transport transport) throws Exception {
        byte[] block = new byte[1 << 20];
        new Random(16).nextBytes(block);
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = TestRelay.start(transport, "--rate-limit", "16M", "tcp", "listen:127.0.0.1:0",
                        "conn:127.0.0.1:" + target.port());
                Socket client = Sockets.connect(relay.port())) {
            CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    OutputStream out = client.getOutputStream();
                    for (int i = 0; i < TOTAL / block.length; i++) {
                        block[0] = (byte) i; // no two blocks alike, so a lost or repeated one shows
                        sha.update(block);
                        out.write(block);
                    }
                    client.shutdownOutput();
                    return sha.digest();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Socket at = target.next()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                InputStream in = at.getInputStream();
                byte[] buf = new byte[64 * 1024];
                long received = 0;
                long first = 0;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (received == 0) {
                        first = System.nanoTime();
                        assertCopiedNotSpliced(relay); // the link is open now, in the middle of its transfer
                    }
                    sha.update(buf, 0, n);
                    received += n;
                }
                double seconds = (System.nanoTime() - first) / 1e9;
                assertEquals(TOTAL, received);
                assertArrayEquals(sent.get(30, TimeUnit.SECONDS), sha.digest(), "the data arrived intact");
                double rate = received / seconds;
                System.out.printf("RateLimitTest (%s): %d bytes in %.2f s = %.2f MiB/s against a cap of %d MiB/s%n",
                        transport.isEpoll() ? "epoll" : "nio", received, seconds, rate / (1 << 20), CAP >> 20);
                assertTrue(rate > CAP * 0.85 && rate < CAP * 1.15,
                        String.format("%.2f MiB/s is not within 15 %% of %d MiB/s", rate / (1 << 20), CAP >> 20));
            }
        }
    }

    private static void assertCopiedNotSpliced(TestRelay relay) throws Exception {
        for (Channel ch : relay.context().linkChannels()) {
            java.util.List<String> names = ch.eventLoop().submit(() -> ch.pipeline().names()).get();
            assertEquals("rate-limit", names.get(0), names.toString());
            String relayHandler = ch.eventLoop().submit(() -> ch.pipeline().get("relay").getClass().getSimpleName()).get();
            assertEquals("Relay", relayHandler, "a rate-limited link is copied, never spliced");
        }
    }
}
