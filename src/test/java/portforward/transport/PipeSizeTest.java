package portforward.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;

/**
 * Large pipes reach into Netty and load native code: each way that can break is caught, said
 * once, and leaves links splicing through the kernel's default pipes. Runs with or without the
 * native library (LargePipeTest covers the library itself).
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class PipeSizeTest {
    private static final int PAYLOAD = 512 * 1024; // past the 256 KiB after which a link splices

    @Test
    void nettyStillHasThePrivatePipeFields() {
        assertTrue(PipeSize.fieldsFound(), "AbstractEpollStreamChannel.pipeIn/pipeOut are gone or changed:"
                + " large pipes would be silently off; see PipeSize for the Netty version it was written for");
    }

    @Test
    void aLibraryThatCannotLoadMeansNoLargePipesAndAWarning(@TempDir Path dir) throws Exception {
        Path notALibrary = Files.writeString(dir.resolve("libportforward.so"), "not an ELF file");
        try (LogCapture log = new LogCapture()) {
            assertFalse(PipeSize.load(notALibrary.toString()));
            // The warning is the feature: the user learns why bulk links are slower.
            assertEquals(1, log.lines().stream().filter(l -> l.startsWith("WARNING no large pipes")).count(),
                    log.lines()::toString);
        }
        assertFalse(PipeSize.load(dir.resolve("missing.so").toString()), "no library given is no large pipes");
    }

    @Test
    void aNativeCallThatCannotLinkTurnsLargePipesOffWithOneWarning() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < 3; i++) {
                assertEquals(-7, PipeSize.guarded(() -> {
                    throw new UnsatisfiedLinkError("resize");
                }, -7, broken));
            }
            assertTrue(broken.get());
            assertEquals(1, log.lines().stream().filter(l -> l.startsWith("WARNING no large pipes")).count(),
                    log.lines()::toString);
        }
        assertEquals(5, PipeSize.guarded(() -> 5, -7, new AtomicBoolean()));
    }

    /** Bulk links arrive intact; on epoll they splice, through large pipes only where the library loaded. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void bulkLinksSpliceIntactWithOrWithoutLargePipes(Transport transport) throws Exception {
        byte[] payload = new byte[PAYLOAD];
        new Random(11).nextBytes(payload);
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = TestRelay.forward(transport, target.port())) {
            List<Socket> ends = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket client = Sockets.connect(relay.port());
                    ends.add(client);
                    client.getOutputStream().write(payload);
                    Socket far = target.next();
                    ends.add(far);
                    assertArrayEquals(payload, Sockets.readExactly(far, payload.length));
                }
                if (transport.isEpoll()) {
                    assertEquals(List.of(3, Splice.largePipes() ? 3 : 0), pipes(relay, target.port()),
                            "links spliced into the target, and of them with a large pipe");
                }
            } finally {
                for (Socket end : ends) {
                    end.close();
                }
            }
        }
    }

    private static List<Integer> pipes(TestRelay relay, int targetPort) throws Exception {
        int spliced = 0;
        int large = 0;
        for (Channel ch : relay.context().linkChannels()) {
            if (!ch.isActive() || ((InetSocketAddress) ch.remoteAddress()).getPort() != targetPort) {
                continue;
            }
            boolean[] state = ch.eventLoop().submit(() -> new boolean[] {PipeSize.hasPipe(ch),
                    PipeSize.capacity(ch) > 64 * 1024}).get(5, TimeUnit.SECONDS);
            spliced += state[0] ? 1 : 0;
            large += state[1] ? 1 : 0;
        }
        return List.of(spliced, large);
    }
}
