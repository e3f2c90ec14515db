package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.LinkEnd;
import portforward.support.LeakCheck;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.ThreadPerTask;
import portforward.support.UdpEcho;
import portforward.transport.Transport;

/** SIGHUP's work, without the signal: the file read again and applied to a running set of forwards. */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class ReloadTest {
    private static final int TRANSFER = 64 << 20;

    @TempDir
    Path dir;

    /** The running set of a file, its reloader, and the loops under them. */
    private static final class Running implements AutoCloseable {
        final Path file;
        final EventLoopGroup group;
        final RunningForwards forwards;
        final Reloader reloader;

        Running(Transport transport, Path file) throws Exception {
            this.file = file;
            this.group = transport.newGroup(2);
            this.forwards = new RunningForwards(transport, group, true);
            this.reloader = new Reloader(file, Map.of(), forwards);
            forwards.startAll(ConfigFile.read(file, Map.of()).forwards());
        }

        Map<String, RunningForwards.Running> byName() {
            return forwards.list().stream().collect(Collectors.toMap(r -> r.forward().name(), Function.identity()));
        }

        int port(String name) {
            return byName().get(name).forwarder().boundAddresses().get(0).getPort();
        }

        @Override
        public void close() throws InterruptedException {
            forwards.stopAll(Duration.ofMillis(200));
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void addRemoveChangeAndKeepWhileALongTransferRunsThroughAKeptForward(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                UdpEcho udpEcho = new UdpEcho();
                DatagramSocket udpClient = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String to = " conn:127.0.0.1:" + echo.port() + "\n";
            String dns = "dns: udp listen:127.0.0.1:0 conn:127.0.0.1:" + udpEcho.port() + " --udp-timeout 60\n";
            Path file = dir.resolve("pf.conf");
            Files.writeString(file, "kept: tcp listen:127.0.0.1:0" + to + "gone: tcp listen:127.0.0.1:0" + to
                    + "moved: tcp listen:127.0.0.1:0" + to + dns);
            try (Running set = new Running(transport, file)) {
                RunningForwards.Running kept = set.byName().get("kept");
                RunningForwards.Running keptDns = set.byName().get("dns");
                int gonePort = set.port("gone");
                udpClient.setSoTimeout(Sockets.READ_TIMEOUT_MS);
                assertEquals("one", udpRoundTrip(udpClient, set.port("dns"), "one"));
                try (Socket bulk = Sockets.connect(set.port("kept"));
                        Socket onGone = Sockets.connect(gonePort);
                        Socket onMoved = Sockets.connect(set.port("moved"))) {
                    assertEcho(onGone, "before");
                    assertEcho(onMoved, "before");
                    CountDownLatch underway = new CountDownLatch(1);
                    CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> send(bulk), ThreadPerTask.EXECUTOR);
                    CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> receive(bulk, underway),
                            ThreadPerTask.EXECUTOR);
                    assertTrue(underway.await(60, TimeUnit.SECONDS), "the transfer did not get under way");

                    Files.writeString(file, "# gone is removed, moved changed, added new\n" + dns
                            + "moved: tcp listen:127.0.0.1:0 " + to.strip() + " --connect-timeout 3\n"
                            + "kept: tcp listen:127.0.0.1:0" + to + "added: tcp listen:127.0.0.1:0" + to);
                    ConfigFile.read(file, Map.of()); // a mistake in the test's file shows here, not as a refused reload
                    RunningForwards.Reload done = set.reloader.reload().orElseThrow();
                    assertEquals(List.of("added"), done.added());
                    assertEquals(List.of("gone"), done.removed());
                    assertEquals(List.of("moved"), done.restarted());
                    assertEquals(List.of("kept", "dns"), done.unchanged());
                    assertEquals(List.of(), done.failed());

                    assertArrayEquals(sent.get(90, TimeUnit.SECONDS), received.get(90, TimeUnit.SECONDS),
                            "the transfer through the kept forward arrived whole");
                    assertSame(kept.forwarder(), set.byName().get("kept").forwarder(), "kept is not touched");
                    assertSame(keptDns.forwarder(), set.byName().get("dns").forwarder());
                    assertEquals("two", udpRoundTrip(udpClient, set.port("dns"), "two"));
                    assertEquals(1, keptDns.context().events().sessionsOpened(), "the UDP session went on");
                    assertTrue(kept.context().events().awaitUntil(e -> e.linksClosed() == 1, Duration.ofSeconds(20)));
                    assertEquals(1, kept.context().events().linksClosed(LinkEnd.EOF), "the transfer ended by its own FINs: "
                            + kept.context().events());

                    assertEcho(onGone, "after: a removed forward's link finishes by itself");
                    assertEcho(onMoved, "after: so does a restarted one's");
                    Sockets.assertEcho(set.port("moved"), "the restarted forward serves");
                    Sockets.assertEcho(set.port("added"), "the new forward serves");
                    if (set.forwards.list().stream().noneMatch(r -> r.forwarder().boundAddresses().get(0).getPort() == gonePort)) {
                        assertThrows(ConnectException.class, () -> Sockets.connect(gonePort).close());
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void anInvalidFileKeepsTheRunningSet(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo()) {
            Path file = dir.resolve("pf.conf");
            Files.writeString(file, "web: tcp listen:127.0.0.1:0 conn:127.0.0.1:" + echo.port() + "\n");
            try (Running set = new Running(transport, file)) {
                RunningForwards.Running web = set.byName().get("web");
                Files.writeString(file, "web: tcp listen:127.0.0.1:0 conn:127.0.0.1:" + echo.port() + "\n"
                        + "other: tcp listen:127.0.0.1:0\n");
                assertTrue(set.reloader.reload().isEmpty());
                assertEquals(List.of(web), set.forwards.list());
                Sockets.assertEcho(set.port("web"), "still serving");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aListenerThatCannotBindIsReportedAndTheRestApplies(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path file = dir.resolve("pf.conf");
            String to = " conn:127.0.0.1:" + echo.port() + "\n";
            Files.writeString(file, "web: tcp listen:127.0.0.1:0" + to);
            try (Running set = new Running(transport, file)) {
                Files.writeString(file, "web: tcp listen:127.0.0.1:0" + to
                        + "blocked: tcp listen:127.0.0.1:" + taken.getLocalPort() + to + "fresh: tcp listen:127.0.0.1:0" + to);
                RunningForwards.Reload done = set.reloader.reload().orElseThrow();
                assertEquals(List.of("fresh"), done.added());
                assertEquals(1, done.failed().size(), done.failed().toString());
                assertTrue(done.failed().get(0).startsWith("forward 'blocked' (line 2): cannot listen on 127.0.0.1:"
                        + taken.getLocalPort()), done.failed().get(0));
                Sockets.assertEcho(set.port("fresh"), "applied");
                Sockets.assertEcho(set.port("web"), "untouched");
            }
        }
    }

    private static String udpRoundTrip(DatagramSocket client, int port, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
        client.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
    }

    private static void assertEcho(Socket s, String text) throws IOException {
        Sockets.send(s, text);
        assertEquals(text, Sockets.readText(s, text.getBytes(StandardCharsets.UTF_8).length));
    }

    /** Sends TRANSFER seeded random bytes, then a FIN; returns their SHA-256. */
    private static byte[] send(Socket s) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Random random = new Random(14);
            byte[] chunk = new byte[64 << 10];
            OutputStream out = s.getOutputStream();
            for (int sent = 0; sent < TRANSFER; sent += chunk.length) {
                random.nextBytes(chunk);
                sha.update(chunk);
                out.write(chunk);
            }
            s.shutdownOutput();
            return sha.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads to EOF, counting down {@code underway} after the first MiB; returns the SHA-256 and checks the length. */
    private static byte[] receive(Socket s, CountDownLatch underway) {
        try {
            s.setSoTimeout(60_000);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 << 10];
            long total = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                sha.update(buf, 0, n);
                total += n;
                if (total >= 1 << 20) {
                    underway.countDown();
                }
            }
            assertEquals(TRANSFER, total, "bytes back");
            return sha.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
