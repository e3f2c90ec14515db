package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.LogRecords;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.UdpEcho;
import portforward.transport.Transport;

/** --log-format json parsed by a JSON parser, and the exact byte counts of text close lines. */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class LogFormatTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void jsonLinesParseAndCarryExactFieldsAndTextLinesExactBytes(Transport transport) throws Exception {
        List<LogRecord> records = LogRecords.during(() -> {
            try (TcpServer echo = TcpServer.echo();
                    UdpEcho udpEcho = new UdpEcho()) {
                ConfigFile.Config config = ConfigFile.parse("two.conf", "web: tcp listen:127.0.0.1:0 conn:127.0.0.1:"
                        + echo.port() + "\ndns: udp listen:127.0.0.1:0 conn:127.0.0.1:" + udpEcho.port()
                        + " --udp-timeout 0.2\n", Map.of());
                EventLoopGroup group = transport.newGroup(2);
                RunningForwards forwards = new RunningForwards(transport, group, true);
                try {
                    forwards.startAll(config.forwards());
                    RunningForwards.Running web = forwards.list().get(0);
                    RunningForwards.Running dns = forwards.list().get(1);
                    Sockets.assertEcho(web.forwarder().boundAddresses().get(0).getPort(), "x".repeat(12345));
                    try (java.net.DatagramSocket client = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                        client.setSoTimeout(Sockets.READ_TIMEOUT_MS);
                        client.send(new java.net.DatagramPacket(new byte[300], 300, dns.forwarder().boundAddresses().get(0)));
                        client.receive(new java.net.DatagramPacket(new byte[400], 400));
                    }
                    assertTrue(web.context().events().awaitUntil(s -> s.linksClosed() == 1, Duration.ofSeconds(20)));
                    assertTrue(dns.context().events().awaitUntil(s -> s.sessionsExpired() == 1, Duration.ofSeconds(20)));
                } finally {
                    forwards.stopAll(Duration.ofMillis(200));
                    group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
                }
            }
        });
        JsonLineFormatter json = new JsonLineFormatter();
        List<JsonObject> objects = records.stream().map(r -> {
            String line = json.format(r);
            assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
            return JsonParser.parseString(line).getAsJsonObject();
        }).toList();
        for (JsonObject o : objects) {
            for (String key : new String[] {"time", "level", "forward", "event", "message"}) {
                assertTrue(o.has(key), key + " missing from " + o);
            }
        }
        Map<String, JsonObject> byEvent = objects.stream()
                .collect(Collectors.toMap(o -> o.get("event").getAsString() + "/" + (o.get("forward").isJsonNull() ? ""
                        : o.get("forward").getAsString()), o -> o, (a, b) -> a));
        assertEquals("tcp", byEvent.get("listening/web").get("protocol").getAsString());
        JsonObject close = byEvent.get("link_close/web");
        assertEquals(12345, close.get("bytes_to_target").getAsLong(), close.toString());
        assertEquals(12345, close.get("bytes_to_client").getAsLong());
        assertEquals("INFO", close.get("level").getAsString());
        assertTrue(close.get("duration_s").getAsDouble() >= 0);
        assertTrue(close.has("client") && close.has("target") && close.has("reason") && close.has("link"), close.toString());
        assertTrue(byEvent.containsKey("link_open/web"));
        assertTrue(byEvent.containsKey("session_open/dns"));
        JsonObject sessionClose = byEvent.get("session_close/dns");
        assertEquals(300, sessionClose.get("bytes_to_target").getAsLong(), sessionClose.toString());
        assertEquals(300, sessionClose.get("bytes_to_client").getAsLong());

        LogSetup.LineFormatter text = new LogSetup.LineFormatter(true);
        String closeLine = records.stream().filter(r -> r.getMessage().startsWith("link ") && r.getMessage().contains("closed"))
                .map(text::format).findFirst().orElseThrow();
        assertTrue(closeLine.contains(" [web] ") && closeLine.contains(": 12345 B (12.1 KiB) to 127.0.0.1:"), closeLine);
        String sessionLine = records.stream().filter(r -> r.getMessage().startsWith("session ") && r.getMessage().contains("closed"))
                .map(text::format).findFirst().orElseThrow();
        assertTrue(sessionLine.contains("1 datagram (300 B) to 127.0.0.1:"), sessionLine);
    }

    @Test
    void aStartFailureIsAJsonLineToo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"--log-format", "json", "tcp", "listen:127.0.0.1:" + taken.getLocalPort(),
                "conn:127.0.0.1:9"}, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8), new CountDownLatch(0));
            assertEquals(1, code);
            String[] lines = err.toString(StandardCharsets.UTF_8).strip().split("\n");
            JsonObject last = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
            assertEquals("ERROR", last.get("level").getAsString());
            assertTrue(last.get("message").getAsString().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), last.toString());
        } finally {
            LogSetup.configure(LogSetup.Verbosity.NORMAL, System.err);
        }
        assertEquals(2, CommandLineTest.run("--log-format", "xml", "tcp", "listen:127.0.0.1:0", "conn:127.0.0.1:9").code());
    }

    @Test
    void jsonStringsAreEscaped() {
        StringBuilder out = new StringBuilder();
        JsonLineFormatter.string(out, "a\"b\\c\nd\u0001");
        assertEquals("a\"b\\c\nd\u0001", JsonParser.parseString(out.toString()).getAsString());
    }

    /** A stranger on a secure listener is a handshake_failed event of that forward, with its address. */
    @Test
    void aStrangerOnASecureListenerIsAHandshakeFailedEvent() throws Exception {
        String secret = java.nio.file.Files.readString(java.nio.file.Path.of(portforward.support.SecretFile.create())).strip();
        List<LogRecord> records = LogRecords.during(() -> {
            ConfigFile.Config config = ConfigFile.parse("hop.conf", "hop: tcp listen+s:127.0.0.1:0 conn:127.0.0.1:9\n",
                    Map.of(CommandLine.SECRET_VARIABLE, secret));
            Transport transport = Transport.nio();
            EventLoopGroup group = transport.newGroup(1);
            RunningForwards forwards = new RunningForwards(transport, group, true);
            try {
                forwards.startAll(config.forwards());
                int port = forwards.list().get(0).forwarder().boundAddresses().get(0).getPort();
                try (java.net.Socket stranger = Sockets.connect(port)) {
                    stranger.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
                    // Refused and logged before the relay closes it: the end of this read follows the line.
                    assertEquals(-1, readQuietly(stranger));
                }
            } finally {
                forwards.stopAll(Duration.ofMillis(200));
                group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            }
        });
        JsonLineFormatter json = new JsonLineFormatter();
        JsonObject failed = records.stream().map(r -> JsonParser.parseString(json.format(r)).getAsJsonObject())
                .filter(o -> o.get("event").getAsString().equals("handshake_failed")).findFirst()
                .orElseThrow(() -> new AssertionError("no handshake_failed event in " + records.size() + " records"));
        assertEquals("hop", failed.get("forward").getAsString());
        assertEquals("127.0.0.1", failed.get("client").getAsString());
        assertTrue(failed.get("reason").getAsString().contains("handshake frame"), failed.toString());
    }

    /** Reads to the end; a reset ends it too. */
    private static int readQuietly(java.net.Socket s) {
        try {
            while (s.getInputStream().read() >= 0) {
                // a stranger gets nothing, so nothing is read here
            }
            return -1;
        } catch (java.io.IOException reset) {
            return -1;
        }
    }
}
