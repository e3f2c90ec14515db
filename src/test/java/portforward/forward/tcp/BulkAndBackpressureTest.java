package portforward.forward.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats;
import portforward.forward.RelayStats.LinkEnd;
import portforward.support.LeakCheck;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

@Timeout(180)
@ExtendWith(LeakCheck.class)
class BulkAndBackpressureTest {
    private static final long GIB = 1L << 30;
    /** What one link may hold inside the relay: well under a MiB, whatever the traffic. */
    private static final long LINK_BUFFER_BOUND = 512 * 1024;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void oneGibThroughTwoRelaysArrivesIntact(Transport transport) throws Exception {
        try (TcpServer sink = TcpServer.queueing("127.0.0.1");
                TestRelay inner = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0", "conn:127.0.0.1:" + sink.port());
                TestRelay outer = TestRelay.start(transport, "tcp", "listen:[::1]:0", "conn:127.0.0.1:" + inner.port());
                Socket client = Sockets.connect("::1", outer.port())) {
            CompletableFuture<long[]> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = sink.next()) {
                    long[] result = drain(s.getInputStream());
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeLong(result[0]);
                    out.writeLong(result[1]);
                    out.flush();
                    s.shutdownOutput();
                    return result;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            client.setSoTimeout(60_000);
            byte[] block = new byte[1 << 20];
            new Random(42).nextBytes(block);
            CRC32C sent = new CRC32C();
            var out = client.getOutputStream();
            for (long i = 0; i < GIB / block.length; i++) {
                ByteBuffer.wrap(block).putLong(0, i); // every block differs, so a lost or repeated block shows
                out.write(block);
                sent.update(block);
            }
            client.shutdownOutput();
            DataInputStream in = new DataInputStream(client.getInputStream());
            assertEquals(GIB, in.readLong(), "bytes that reached the far end");
            assertEquals(sent.getValue(), in.readLong(), "CRC32C of what reached the far end");
            assertEquals(-1, in.read(), "then EOF");
            received.get(10, TimeUnit.SECONDS);
            // Exact on the spliced path too, where the kernel, not a read, counts the bytes.
            for (TestRelay relay : List.of(outer, inner)) {
                RelayStats events = relay.await("a link ended by EOF", e -> e.linksClosed(LinkEnd.EOF) == 1);
                assertEquals(GIB, events.bytesToTarget(), events::toString);
                assertEquals(16, events.bytesToClient(), events::toString);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void slowReaderStallsTheSenderAndTheRelayHoldsLittle(Transport transport) throws Exception {
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0", "conn:127.0.0.1:" + target.port());
                SocketChannel sender = SocketChannel.open(new InetSocketAddress("127.0.0.1", relay.port()));
                Selector selector = Selector.open()) {
            Socket reader = target.next();
            CRC32C sent = new CRC32C();
            long written = fillUntilStalled(sender, selector, sent);
            long held = pendingInRelay(relay);
            assertTrue(held <= LINK_BUFFER_BOUND, "the relay holds " + held + " bytes for one stalled link");

            // Now read everything: nothing was lost while the sender was held back.
            sender.shutdownOutput();
            reader.setSoTimeout(30_000);
            long[] got = drain(reader.getInputStream());
            assertEquals(written, got[0]);
            assertEquals(sent.getValue(), got[1]);
            reader.close();
            assertFalse(pendingInRelay(relay) > 0);
        }
    }

    /**
     * Writes numbered bytes until the whole path is full (one second with no room to write) and
     * returns how many went in; fails if the sender was never slowed down.
     */
    static long fillUntilStalled(SocketChannel sender, Selector selector, CRC32C sent) throws java.io.IOException {
        sender.configureBlocking(false);
        sender.register(selector, SelectionKey.OP_WRITE);
        ByteBuffer chunk = ByteBuffer.allocate(256 * 1024);
        long written = 0;
        long limit = 512L << 20;
        while (written < limit) {
            if (selector.select(1000) == 0) {
                break;
            }
            selector.selectedKeys().clear();
            fill(chunk, written);
            int n = sender.write(chunk);
            sent.update(chunk.array(), 0, n);
            written += n;
        }
        assertTrue(written < limit, "the sender was never slowed down: " + written + " bytes went in");
        return written;
    }

    static void fill(ByteBuffer chunk, long offset) {
        chunk.clear();
        for (int i = 0; i < chunk.capacity(); i += 8) {
            chunk.putLong(i, offset + i);
        }
    }

    static long pendingInRelay(TestRelay relay) throws Exception {
        long total = 0;
        for (Channel ch : relay.context().linkChannels()) {
            total += ch.eventLoop().submit(() -> {
                var buffer = ch.unsafe().outboundBuffer();
                return buffer == null ? 0L : buffer.totalPendingWriteBytes();
            }).get(5, TimeUnit.SECONDS);
        }
        return total;
    }

    /** Reads to EOF; returns {bytes, CRC32C}. */
    static long[] drain(InputStream in) throws java.io.IOException {
        byte[] buf = new byte[1 << 20];
        CRC32C crc = new CRC32C();
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            crc.update(buf, 0, n);
            total += n;
        }
        return new long[] {total, crc.getValue()};
    }
}
