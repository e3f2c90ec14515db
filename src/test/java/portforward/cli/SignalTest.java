package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import portforward.support.Sockets;
import portforward.support.TcpServer;

/** The relay as a real process: a signal stops it cleanly, with exit code 0, within 2 s. */
@Timeout(60)
class SignalTest {
    private static final Pattern LISTENING = Pattern.compile("listening on tcp 127\\.0\\.0\\.1:(\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void signalClosesListenersAndLinksThenExitsZero(String signal) throws Exception {
        try (TcpServer echo = TcpServer.echo()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process relay = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "portforward.cli.Main", "tcp", "listen:127.0.0.1:0", "conn:127.0.0.1:" + echo.port())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(relay.getErrorStream(), StandardCharsets.UTF_8))) {
                    r.lines().forEach(lines::add);
                } catch (java.io.IOException e) {
                    lines.add("stderr read failed: " + e);
                }
            });
            reader.setDaemon(true);
            reader.start();
            try {
                int port = awaitPort(lines);
                try (Socket client = Sockets.connect(port)) {
                    Sockets.send(client, "before the signal");
                    assertEquals("before the signal", Sockets.readText(client, 17));
                    new ProcessBuilder("kill", "-" + signal, Long.toString(relay.pid())).start().waitFor();
                    assertTrue(relay.waitFor(2, TimeUnit.SECONDS), "still running 2 s after SIG" + signal);
                    assertEquals(0, relay.exitValue());
                    assertEquals(0, Sockets.readToEnd(client).length, "the open link ends with a clean close");
                }
            } finally {
                relay.destroyForcibly();
            }
        }
    }

    private static int awaitPort(BlockingQueue<String> lines) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the relay never said it was listening:\n" + seen);
    }
}
