package portforward.forward.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.forward.tcp.BulkAndBackpressureTest.drain;
import static portforward.forward.tcp.BulkAndBackpressureTest.fillUntilStalled;
import static portforward.forward.tcp.BulkAndBackpressureTest.pendingInRelay;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.SecretFile;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/** Bulk and backpressure across a secure hop: every byte, in order, with bounded memory. */
@Timeout(240)
@ExtendWith(LeakCheck.class)
class SecureBulkTest {
    private static final long GIB = 1L << 30;
    /** What one link may hold inside the two relays of a hop: the plain bound, once per relay. */
    private static final long HOP_BUFFER_BOUND = 2 * 512 * 1024;

    /** client -> outer (listen, conn+s) -> inner (listen+s, conn) -> sink */
    private record Hop(TestRelay outer, TestRelay inner) implements AutoCloseable {
        static Hop to(Transport transport, int target) throws Exception {
            String key = SecretFile.create();
            TestRelay inner = TestRelay.start(transport, "--secret-file", key, "tcp", "listen+s:127.0.0.1:0",
                    "conn:127.0.0.1:" + target);
            return new Hop(TestRelay.start(transport, "--secret-file", key, "tcp", "listen:127.0.0.1:0",
                    "conn+s:127.0.0.1:" + inner.port()), inner);
        }

        @Override
        public void close() {
            outer.close();
            inner.close();
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void oneGibArrivesWithTheSameSha256(Transport transport) throws Exception {
        try (TcpServer sink = TcpServer.queueing("127.0.0.1");
                Hop hop = Hop.to(transport, sink.port());
                Socket client = Sockets.connect(hop.outer().port())) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = sink.next()) {
                    s.setSoTimeout(60_000);
                    return sha256(s.getInputStream());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] block = new byte[1 << 20];
            new Random(7).nextBytes(block);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            var out = client.getOutputStream();
            for (long i = 0; i < GIB / block.length; i++) {
                ByteBuffer.wrap(block).putLong(0, i); // a lost, repeated or reordered block changes the hash
                out.write(block);
                sent.update(block);
            }
            client.shutdownOutput();
            assertArrayEquals(sent.digest(), received.get(120, TimeUnit.SECONDS), "SHA-256 of what arrived");
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void slowReaderStallsTheSenderAcrossTheHop(Transport transport) throws Exception {
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                Hop hop = Hop.to(transport, target.port());
                SocketChannel sender = SocketChannel.open(new InetSocketAddress("127.0.0.1", hop.outer().port()));
                Selector selector = Selector.open()) {
            Socket reader = target.next();
            CRC32C sent = new CRC32C();
            long written = fillUntilStalled(sender, selector, sent);
            long held = pendingInRelay(hop.outer()) + pendingInRelay(hop.inner());
            assertTrue(held <= HOP_BUFFER_BOUND, "the hop holds " + held + " bytes for one stalled link");
            sender.shutdownOutput();
            reader.setSoTimeout(30_000);
            long[] got = drain(reader.getInputStream());
            assertEquals(written, got[0]);
            assertEquals(sent.getValue(), got[1]);
            reader.close();
        }
    }

    private static byte[] sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        int n;
        while ((n = in.read(buf)) > 0) {
            digest.update(buf, 0, n);
        }
        return digest.digest();
    }
}
