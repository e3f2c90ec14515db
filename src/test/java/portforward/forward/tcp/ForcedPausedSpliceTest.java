package portforward.forward.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.Show;
import portforward.support.Counters;
import portforward.support.HeldLoops;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * The switch to splicing while reading is paused, made to happen every time: the link carries one
 * byte short of {@link Relay#SPLICE_AFTER}, then the channel toward the target is held unwritable
 * (Netty's user-defined writability, as a full socket would make it), and the next bytes wait in
 * the relay's socket until they make a {@link Relay#BULK_READ bulk read}, so the read that crosses
 * the threshold pauses and switches at once. Once the target's channel is writable again, reading
 * resumes and everything arrives in order. PausedSpliceSwitchTest provokes the same with real
 * backpressure, which a loaded machine may not produce.
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class ForcedPausedSpliceTest {
    private static final int REST = 4 << 20;
    private static final int BURST = 4 * Relay.BULK_READ;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aSwitchWhilePausedDeliversEverythingInOrder(Transport transport) throws Exception {
        int first = (int) Relay.SPLICE_AFTER - 1;
        byte[] data = new byte[first + REST];
        new Random(5).nextBytes(data);
        try (LogCapture log = new LogCapture();
                TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = TestRelay.forward(transport, target.port());
                Socket client = Sockets.connect(relay.port())) {
            client.getOutputStream().write(data, 0, first);
            try (Socket far = target.next()) {
                assertArrayEquals(Arrays.copyOf(data, first), Sockets.readExactly(far, first));
                Channel toTarget = linkChannel(relay, target.port());
                setWritable(toTarget, false);
                try (HeldLoops held = HeldLoops.hold(relay.context().group())) {
                    client.getOutputStream().write(data, first, BURST);
                    Counters.awaitAtLeast(() -> Sockets.unreadBytes(relay.port()), BURST,
                            "bytes waiting in the relay's socket from the client");
                }
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                    try {
                        client.getOutputStream().write(data, first + BURST, REST - BURST);
                        client.shutdownOutput();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                String from = "spliced from " + Show.address(client.getLocalSocketAddress());
                if (transport.isEpoll()) {
                    // The -v line is the feature that says how the switch came.
                    log.await(from + ", reading paused until the copied bytes drain");
                }
                setWritable(toTarget, true);
                byte[] rest = readToEnd(far);
                sent.get(20, TimeUnit.SECONDS);
                assertEquals(REST, rest.length, "bytes after the first " + first);
                assertArrayEquals(Arrays.copyOfRange(data, first, data.length), rest, "what followed, in order");
                if (!transport.isEpoll()) {
                    assertFalse(log.lines().stream().anyMatch(l -> l.contains(from)), "NIO spliced?");
                }
            }
            var events = relay.await("the link closed", e -> e.linksClosed() == 1);
            assertEquals(data.length, events.bytesToTarget(), "counted exactly, spliced bytes too");
        }
    }

    private static Channel linkChannel(TestRelay relay, int remotePort) throws InterruptedException {
        relay.await("a link", events -> events.linksOpened() == 1);
        return relay.linkChannel(remotePort);
    }

    /** Netty's user-defined writability: the channel reports unwritable, as a full socket would make it. */
    private static void setWritable(Channel channel, boolean writable) throws Exception {
        channel.eventLoop().submit(() -> channel.unsafe().outboundBuffer().setUserDefinedWritability(1, writable))
                .get(5, TimeUnit.SECONDS);
    }

    private static byte[] readToEnd(Socket socket) throws Exception {
        socket.setSoTimeout(30_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
