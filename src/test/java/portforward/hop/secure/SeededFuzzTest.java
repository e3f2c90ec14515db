package portforward.hop.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.hop.secure.Replies.assertNothing;
import static portforward.hop.secure.Replies.sendQuietly;
import static portforward.hop.secure.Replies.shutdownQuietly;
import static portforward.hop.secure.Replies.untilClosed;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
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
 * Thousands of random and mutated frames from a fixed seed, with the leak detector at PARANOID
 * (the build sets it; LeakCheck fails on a report): before a handshake, where every one must get
 * nothing back; and after one, where a link takes valid records until the first bad frame and
 * delivers nothing from it on. Then the same relay must still serve a real client.
 */
@Timeout(180)
@ExtendWith(LeakCheck.class)
class SeededFuzzTest {
    private static final long SEED = 0x5EC0_4E5L;
    private static final int STRANGERS = 500;
    private static final int LINKS = 200;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void randomFramesBeforeAndAfterTheHandshake(Transport transport) throws Exception {
        HopKey key = HopKey.in(dir);
        Random random = new Random(SEED);
        byte[] h1 = RawPeer.initiator(key.psk()).hello();
        try (TcpServer target = TcpServer.queueing("127.0.0.1"); TestRelay relay = key.forward(transport, target.port())) {
            for (int i = 0; i < STRANGERS; i++) {
                try (Socket s = Sockets.connect(relay.port())) {
                    ByteArrayOutputStream frames = new ByteArrayOutputStream();
                    frames.writeBytes(random.nextBoolean() ? mutate(random, h1) : garbage(random));
                    for (int more = random.nextInt(4); more > 0; more--) {
                        frames.writeBytes(garbage(random));
                    }
                    sendQuietly(s, frames.toByteArray());
                    shutdownQuietly(s);
                    assertNothing(s, "seed " + SEED + ", stranger " + i);
                }
            }
            Replies.assertOnlyRefused(relay, STRANGERS);
            for (int i = 0; i < LINKS; i++) {
                fuzzOneLink(relay, key, target, random, "seed " + SEED + ", link " + i);
            }
            assertServesARealClient(transport, key, relay, target);
        }
    }

    /**
     * A few valid records (DATA, PING, PONG, READY), one frame that must end the link, then more
     * frames, valid-looking or not. The target may get the DATA before the ending frame, and nothing
     * else.
     */
    private static void fuzzOneLink(TestRelay relay, HopKey key, TcpServer target, Random random, String what)
            throws Exception {
        try (Socket s = Sockets.connect(relay.port())) {
            RawPeer peer = RawPeer.handshake(s, key.psk());
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            ByteArrayOutputStream allowed = new ByteArrayOutputStream();
            for (int n = random.nextInt(5); n > 0; n--) {
                byte type = new byte[] {Wire.DATA, Wire.DATA, Wire.PING, Wire.PONG, Wire.READY}[random.nextInt(5)];
                byte[] body = randomBytes(random, 1 + random.nextInt(200));
                wire.writeBytes(peer.record(type, body));
                if (type == Wire.DATA) {
                    allowed.writeBytes(body);
                }
            }
            wire.writeBytes(switch (random.nextInt(5)) {
                case 0 -> mutate(random, peer.record(Wire.DATA, randomBytes(random, 1 + random.nextInt(200))));
                case 1 -> garbage(random);
                case 2 -> peer.record((byte) (Wire.READY + 1 + random.nextInt(249)), randomBytes(random, random.nextInt(50)));
                case 3 -> concat(peer.record(Wire.FIN, new byte[0]), peer.record(Wire.DATA, randomBytes(random, 10)));
                default -> peer.record(Wire.RST, new byte[0]);
            });
            for (int n = random.nextInt(10); n > 0; n--) {
                wire.writeBytes(random.nextBoolean() ? garbage(random) : peer.record(Wire.DATA, randomBytes(random, 20)));
            }
            sendQuietly(s, wire.toByteArray());
            shutdownQuietly(s);
            try (Socket t = target.next()) {
                byte[] got = untilClosed(t);
                byte[] may = allowed.toByteArray();
                assertTrue(got.length <= may.length && Arrays.equals(got, Arrays.copyOf(may, got.length)),
                        what + ": the target got " + HexFormat.of().formatHex(got) + ", not a prefix of the valid data");
            }
            untilClosed(s);
        }
    }

    private static void assertServesARealClient(Transport transport, HopKey key, TestRelay relay, TcpServer target)
            throws Exception {
        try (TestRelay front = TestRelay.start(transport, "--secret-file", key.file(), "tcp", "listen:127.0.0.1:0",
                "conn+s:127.0.0.1:" + relay.port()); Socket client = Sockets.connect(front.port())) {
            Sockets.send(client, "still here?");
            try (Socket t = target.next()) {
                assertEquals("still here?", Sockets.readText(t, "still here?".length()), "through the fuzzed relay");
                Sockets.send(t, "yes");
                assertEquals("yes", Sockets.readText(client, 3), "and back");
            }
        }
    }

    /** {@code frame} changed for certain: bits flipped, cut short, or given another length. */
    private static byte[] mutate(Random random, byte[] frame) {
        byte[] out = frame.clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                }
                if (Arrays.equals(out, frame)) {
                    out[0] ^= 1; // two flips of one bit undid each other
                }
            }
            case 1 -> out = Arrays.copyOf(frame, random.nextInt(frame.length));
            default -> {
                int length = (frame.length - Wire.LENGTH_BYTES + 1 + random.nextInt(0xffff)) & 0xffff;
                out[0] = (byte) (length >> 8);
                out[1] = (byte) length;
            }
        }
        return out;
    }

    /** A frame of random bytes with a length prefix that fits them. */
    private static byte[] garbage(Random random) {
        return RawPeer.frame(randomBytes(random, random.nextInt(600)));
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
