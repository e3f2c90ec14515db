package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.LogRecord;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.ForwardLogger;
import portforward.support.LeakCheck;
import portforward.support.LogRecords;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.UdpEcho;
import portforward.transport.Transport;

/** Many forwards from one file in one process, sharing its event loops; and the file's errors at the command line. */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class ConfigRunTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void fiftyForwardsTcpAndUdpAllServe(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                UdpEcho udpEcho = new UdpEcho()) {
            StringBuilder file = new StringBuilder("# 25 tcp and 25 udp forwards\n--udp-timeout 30\n");
            for (int i = 0; i < 25; i++) {
                file.append("tcp").append(i).append(": tcp listen:127.0.0.1:0 conn:127.0.0.1:").append(echo.port()).append('\n');
                file.append("udp listen:127.0.0.1:0 conn:127.0.0.1:").append(udpEcho.port()).append("   # unnamed\n");
            }
            ConfigFile.Config config = ConfigFile.parse("fifty.conf", file.toString(), Map.of());
            assertEquals(50, config.forwards().size());
            EventLoopGroup group = transport.newGroup(2);
            RunningForwards forwards = new RunningForwards(transport, group, true);
            try {
                forwards.startAll(config.forwards());
                assertEquals(50, forwards.list().size());
                assertEquals(50, forwards.exported().size());
                try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                    client.setSoTimeout(Sockets.READ_TIMEOUT_MS);
                    for (RunningForwards.Running r : forwards.list()) {
                        InetSocketAddress at = r.forwarder().boundAddresses().get(0);
                        String text = "through " + r.forward().name();
                        if (r.forward().name().startsWith("tcp")) {
                            Sockets.assertEcho(at.getPort(), text);
                        } else {
                            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                            client.send(new DatagramPacket(bytes, bytes.length, at));
                            DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
                            client.receive(reply);
                            assertEquals(text, new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
                        }
                    }
                }
                for (RunningForwards.Running r : forwards.list()) {
                    boolean tcp = r.forward().name().startsWith("tcp");
                    assertTrue(r.context().events().awaitUntil(
                            s -> tcp ? s.linksClosed() == 1 : s.sessionsOpened() == 1, Duration.ofSeconds(20)),
                            r.forward().name() + ": " + r.context().events());
                }
            } finally {
                forwards.stopAll(Duration.ofMillis(200));
                group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void everyLineOfAForwardInAManyForwardProcessNamesIt(Transport transport) throws Exception {
        List<LogRecord> records = LogRecords.during(() -> {
            try (TcpServer echo = TcpServer.echo();
                    UdpEcho udpEcho = new UdpEcho()) {
                ConfigFile.Config config = ConfigFile.parse("two.conf", "web: tcp listen:127.0.0.1:0 conn:127.0.0.1:" + echo.port()
                        + "\nudp listen:127.0.0.1:0 conn:127.0.0.1:" + udpEcho.port() + " --udp-timeout 0.2\n"
                        + "proxy: tcp listen:127.0.0.1:0 socks\n", Map.of());
                EventLoopGroup group = transport.newGroup(2);
                RunningForwards forwards = new RunningForwards(transport, group, true);
                try {
                    forwards.startAll(config.forwards());
                    RunningForwards.Running web = forwards.list().get(0);
                    RunningForwards.Running dns = forwards.list().get(1);
                    Sockets.assertEcho(web.forwarder().boundAddresses().get(0).getPort(), "named");
                    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                        client.send(new DatagramPacket(new byte[] {1}, 1, dns.forwarder().boundAddresses().get(0)));
                        client.setSoTimeout(Sockets.READ_TIMEOUT_MS);
                        client.receive(new DatagramPacket(new byte[16], 16));
                    }
                    assertTrue(web.context().events().awaitUntil(s -> s.linksClosed() == 1, Duration.ofSeconds(20)));
                    assertTrue(dns.context().events().awaitUntil(s -> s.sessionsExpired() == 1, Duration.ofSeconds(20)));
                    // Not SOCKS at all: the layer logs why and closes, and its line names the forward too.
                    try (java.net.Socket client = Sockets.connect(forwards.list().get(2).forwarder().boundAddresses().get(0).getPort())) {
                        client.getOutputStream().write(new byte[] {9, 9, 9});
                        Sockets.readToEnd(client);
                    } catch (java.net.SocketException reset) {
                        // closed with a reset: the line was written before
                    }
                } finally {
                    forwards.stopAll(Duration.ofMillis(200));
                    group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
                }
            }
        });
        LogSetup.LineFormatter lines = new LogSetup.LineFormatter(true);
        Set<String> named = new TreeSet<>();
        for (LogRecord r : records) {
            if (r.getLoggerName().matches("portforward\\.(tcp|udp|hop|socks)(#.*)?")) {
                String forward = ForwardLogger.forwardOf(r);
                assertTrue(forward != null, "a line without its forward: " + lines.format(r));
                assertTrue(lines.format(r).contains(" [" + forward + "] "), lines.format(r));
                named.add(forward);
            }
        }
        assertEquals(Set.of("web", "2", "proxy"), named, "every forward logged");
        assertTrue(records.stream().anyMatch(r -> r.getLoggerName().equals("portforward.socks#proxy")),
                "the socks layer's own line, named");
    }

    @Test
    void aBadFileIsExitCode2WithEveryBadLineAndNothingStarts(@TempDir Path dir) throws Exception {
        {
            Path file = dir.resolve("pf.conf");
            Files.writeString(file, "ok: tcp listen:127.0.0.1:0 conn:127.0.0.1:9\nok: tcp listen:127.0.0.1:0 conn:127.0.0.1:9\n"
                    + "tcp listen:127.0.0.1:0\n");
            CommandLineTest.Outcome o = CommandLineTest.run("-c", file.toString());
            assertEquals(2, o.code(), o.err());
            assertEquals(file + ":2: the name 'ok' is taken by line 1\n"
                    + file + ":3: expected PROTO SOCK1 SOCK2 but got 2 arguments: tcp listen:127.0.0.1:0",
                    o.err().strip().lines().map(l -> l.replaceFirst("^portforward: ", ""))
                            .reduce((a, b) -> a + "\n" + b).orElse(""));
            assertTrue(!o.err().contains("listening"), "nothing starts: " + o.err());
        }
    }

    @Test
    void configAndPositionalsExcludeEachOther(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pf.conf");
        Files.writeString(file, "tcp listen:127.0.0.1:0 conn:127.0.0.1:9\n");
        CommandLineTest.Outcome o = CommandLineTest.run("--config", file.toString(), "tcp", "listen:127.0.0.1:0", "conn:127.0.0.1:9");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("--config and PROTO SOCK1 SOCK2 exclude each other"), o.err());
        o = CommandLineTest.run("--config", file.toString(), "--pool", "3");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("--pool is an option of a forward: with --config, write it in " + file), o.err());
        o = CommandLineTest.run("-c", dir.resolve("missing.conf").toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("missing.conf: no such file"), o.err());
    }

    @Test
    void aForwardThatCannotBindIsExitCode1NamingIt(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path file = dir.resolve("pf.conf");
            Files.writeString(file, "first: tcp listen:127.0.0.1:0 conn:127.0.0.1:9\n"
                    + "ssh: tcp listen:127.0.0.1:" + taken.getLocalPort() + " conn:127.0.0.1:9\n");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"-c", file.toString()}, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8), new CountDownLatch(0));
            assertEquals(1, code, err.toString(StandardCharsets.UTF_8));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("forward 'ssh' (line 2): cannot listen on 127.0.0.1:"
                    + taken.getLocalPort()), err.toString(StandardCharsets.UTF_8));
        }
    }
}
