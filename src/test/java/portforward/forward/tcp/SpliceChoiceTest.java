package portforward.forward.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
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
 * An interactive link (requests and replies of a few bytes, keystrokes) keeps being copied however
 * much it carries, because a splice costs each small message more system calls than a copy; the
 * same link splices once bulk comes, where the kernel has epoll.
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class SpliceChoiceTest {
    private static final int MESSAGE = 64;
    private static final int EXCHANGES = (int) (2 * Relay.SPLICE_AFTER / MESSAGE);
    private static final int BULK = 1 << 20;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void smallExchangesAreCopiedAndBulkIsSpliced(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.forward(transport, echo.port());
                Socket client = Sockets.connect(relay.port())) {
            byte[] message = new byte[MESSAGE];
            for (int i = 0; i < EXCHANGES; i++) {
                message[0] = (byte) i;
                client.getOutputStream().write(message);
                assertArrayEquals(message, Sockets.readExactly(client, MESSAGE), "reply " + i);
            }
            assertEquals(Relay.class, relayHandler(relay, client), "after " + EXCHANGES + " small exchanges each way");

            byte[] bulk = new byte[BULK];
            new Random(11).nextBytes(bulk);
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    client.getOutputStream().write(bulk);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertArrayEquals(bulk, Sockets.readExactly(client, BULK), "the bulk echoed intact");
            sent.get(20, TimeUnit.SECONDS);
            Class<?> expected = transport.isEpoll() ? SpliceRelay.class : Relay.class;
            assertEquals(expected, relayHandler(relay, client), "after " + BULK + " bytes of bulk");
        }
    }

    /** The handler that carries what the relay reads from {@code client}. */
    private static Class<?> relayHandler(TestRelay relay, Socket client) throws Exception {
        Channel fromClient = relay.linkChannel(client.getLocalPort());
        ChannelHandler handler = fromClient.eventLoop().submit(() -> fromClient.pipeline().get("relay"))
                .get(5, TimeUnit.SECONDS);
        return handler.getClass();
    }
}
