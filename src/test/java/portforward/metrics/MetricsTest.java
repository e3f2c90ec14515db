package portforward.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.support.Scrape.moved;

import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import portforward.forward.RelayStats;
import portforward.forward.RelayStats.LinkEnd;
import portforward.support.LeakCheck;
import portforward.support.Scrape;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

@Timeout(60)
@ExtendWith(LeakCheck.class)
class MetricsTest {
    private static final String VALUE = "\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    /** A sample line: name, labels starting with forward, and a value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-z_]+\\{forward=" + VALUE + "(,[a-z_]+=" + VALUE + ")*\\} -?[0-9.E]+");

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void countersMoveByExactlyTheTrafficSent(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.forward(transport, echo.port());
                MetricsServer metrics = Scrape.serve("web", relay)) {
            Sockets.assertEcho(relay.port(), "warm-up");
            relay.await("the warm-up link closed", s -> s.linksClosed() == 1);
            Map<String, Double> before = Scrape.samples(metrics);
            long sent = 0;
            for (int i = 0; i < 7; i++) {
                String text = "x".repeat(1000 * i + 3);
                Sockets.assertEcho(relay.port(), text);
                sent += text.length();
            }
            relay.await("8 links closed", s -> s.linksClosed() == 8);
            Map<String, Double> after = Scrape.samples(metrics);
            String web = "{forward=\"web\"}";
            assertEquals(7, moved(before, after, "portforward_links_opened_total" + web));
            assertEquals(sent, moved(before, after, "portforward_bytes_to_target_total" + web));
            assertEquals(sent, moved(before, after, "portforward_bytes_to_client_total" + web));
            long closed = 0;
            for (LinkEnd why : LinkEnd.values()) {
                closed += (long) moved(before, after, "portforward_links_closed_total{forward=\"web\",reason=\""
                        + why.name().toLowerCase() + "\"}");
            }
            assertEquals(7, closed);
            assertEquals(0, after.get("portforward_links_active" + web));
            assertEquals(0, moved(before, after, "portforward_connect_failures_total" + web));
            assertEquals(1, after.get("portforward_build_info{forward=\"web\",version=\"test\"}"));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aFailedDialIsCountedOnce(Transport transport) throws Exception {
        int closedPort;
        try (TcpServer gone = TcpServer.echo()) {
            closedPort = gone.port();
        }
        try (TestRelay relay = TestRelay.forward(transport, closedPort);
                MetricsServer metrics = Scrape.serve("dead", relay)) {
            Map<String, Double> before = Scrape.samples(metrics);
            // The relay resets the client when its dial fails, which can come before the client's own
            // connect() has returned (it then throws); the dial failed once either way.
            try (var s = Sockets.connect(relay.port())) {
                relay.await("a connect failure", e -> e.connectFailures() == 1);
            } catch (SocketException resetWhileConnecting) {
                relay.await("a connect failure", e -> e.connectFailures() == 1);
            }
            assertEquals(1, moved(before, Scrape.samples(metrics), "portforward_connect_failures_total{forward=\"dead\"}"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/metric", "/metrics/", "/metrics/x", "/favicon.ico"})
    void anythingButMetricsIs404(String path) throws Exception {
        try (MetricsServer metrics = Scrape.serve(Map.of("a", new RelayStats()))) {
            assertEquals(404, Scrape.get(metrics, path).status());
            assertEquals(200, Scrape.get(metrics, "/metrics?x=1").status());
        }
    }

    @Test
    void everySampleHasAForwardLabelAndEveryFamilyItsHelpAndType() throws Exception {
        String body = scrapeOfTwo();
        String family = "";
        for (String line : body.split("\n")) {
            if (line.startsWith("# HELP ")) {
                family = line.split(" ")[2];
            } else if (line.startsWith("# TYPE ")) {
                assertEquals(family, line.split(" ")[2], line);
                assertTrue(line.endsWith(" counter") || line.endsWith(" gauge"), line);
            } else {
                assertTrue(SAMPLE.matcher(line).matches(), "not a sample line: " + line);
                assertTrue(line.startsWith(family + "{"), line + " is not of family " + family);
            }
        }
        assertTrue(body.contains("portforward_links_opened_total{forward=\"quo\\\"te\"} 0\n"), body);
    }

    @Test
    void theContentTypeIsTheTextFormat() throws Exception {
        try (MetricsServer metrics = Scrape.serve(Map.of("a", new RelayStats()))) {
            assertEquals(MetricsServer.CONTENT_TYPE, Scrape.get(metrics, "/metrics").contentType());
        }
    }

    @Test
    void promtoolAcceptsTheScrape(@TempDir Path dir) throws Exception {
        boolean present = Files.isExecutable(Path.of("/usr/bin/promtool")) || onPath("promtool");
        if (!present) {
            System.out.println("MetricsTest: promtool not found (Debian package prometheus); skipping its check,"
                    + " everySampleHasAForwardLabelAndEveryFamilyItsHelpAndType checks the format instead");
        }
        Assumptions.assumeTrue(present, "promtool not installed");
        Path scrape = dir.resolve("scrape.prom");
        Files.writeString(scrape, scrapeOfTwo(), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(scrape.toFile())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), "promtool check metrics: " + said);
        assertEquals("", said.trim(), "promtool's lint findings");
    }

    private static String scrapeOfTwo() throws IOException {
        Map<String, RelayStats> forwards = new LinkedHashMap<>();
        RelayStats ssh = new RelayStats();
        ssh.linkOpened();
        ssh.linkClosed(LinkEnd.EOF, 12345, 678);
        forwards.put("ssh", ssh);
        forwards.put("quo\"te", new RelayStats());
        try (MetricsServer metrics = Scrape.serve(forwards)) {
            return Scrape.get(metrics, "/metrics").body();
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
