package portforward.forward.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import portforward.support.LeakCheck;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Splice;
import portforward.transport.Transport;

/**
 * Bulk links splice through 1 MiB pipes where build.sh could make the native library, at most
 * 16 at a time (the kernel's per-user pipe allowance is shared by every process of the user),
 * and the bytes arrive intact either way.
 */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class LargePipeTest {
    private static final int LINKS = 18;
    private static final int BUDGET = 16;
    private static final int PAYLOAD = 512 * 1024; // past the 256 KiB after which a link splices

    @Test
    void bulkLinksGetLargePipesWithinTheBudgetAndGiveThemBack() throws Exception {
        String library = System.getProperty("portforward.native", "");
        assumeTrue(Transport.epollAvailable() && !library.isEmpty() && Files.exists(Path.of(library)),
                "no native library (build.sh makes it when a C compiler is present)");
        assertEquals(true, Splice.largePipes(), "the native library is there but did not load");
        byte[] payload = new byte[PAYLOAD];
        new Random(7).nextBytes(payload);
        try (TcpServer target = TcpServer.queueing("127.0.0.1");
                TestRelay relay = TestRelay.start(Transport.epoll(), "tcp", "listen:127.0.0.1:0", "conn:127.0.0.1:" + target.port())) {
            List<Socket> ends = new ArrayList<>();
            try {
                for (int i = 0; i < LINKS; i++) {
                    ends.addAll(carry(relay, target, payload));
                }
                assertEquals(List.of(BUDGET, LINKS - BUDGET), pipeSizes(relay, target.port()),
                        "links with a 1 MiB pipe, then links with the default 64 KiB");
            } finally {
                for (Socket end : ends) {
                    end.close();
                }
            }
            relay.await(LINKS + " closed links", events -> events.linksClosed() == LINKS);
            List<Socket> again = carry(relay, target, payload);
            try {
                assertEquals(List.of(1, 0), pipeSizes(relay, target.port()), "a closed link gives its pipe back");
            } finally {
                for (Socket end : again) {
                    end.close();
                }
            }
        }
    }

    /** A link that has carried {@code payload} to the target intact: its client and target sockets. */
    private static List<Socket> carry(TestRelay relay, TcpServer target, byte[] payload) throws Exception {
        Socket client = Sockets.connect(relay.port());
        client.getOutputStream().write(payload);
        Socket far = target.next();
        assertArrayEquals(payload, Sockets.readExactly(far, payload.length));
        return List.of(client, far);
    }

    /** How many open links into the target splice through a 1 MiB pipe, and how many through 64 KiB. */
    private static List<Integer> pipeSizes(TestRelay relay, int targetPort) throws Exception {
        int large = 0;
        int standard = 0;
        for (Channel ch : relay.context().linkChannels()) {
            if (!ch.isActive() || ((InetSocketAddress) ch.remoteAddress()).getPort() != targetPort) {
                continue;
            }
            int capacity = ch.eventLoop().submit(() -> Splice.pipeCapacity(ch)).get(5, TimeUnit.SECONDS);
            if (capacity == 1024 * 1024) {
                large++;
            } else if (capacity == 64 * 1024) {
                standard++;
            }
        }
        return List.of(large, standard);
    }
}
