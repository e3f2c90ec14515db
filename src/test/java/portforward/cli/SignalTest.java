package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import portforward.support.RelayProcess;
import portforward.support.Sockets;
import portforward.support.TcpServer;

/**
 * The relay as a real process: a signal stops it cleanly, with exit code 0. How fast is not
 * asserted; the wait only bounds a hang.
 */
@Timeout(60)
class SignalTest {

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void signalClosesListenersAndLinksThenExitsZero(String signal) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                RelayProcess relay = RelayProcess.start(null, "tcp", "listen:127.0.0.1:0",
                        "conn:127.0.0.1:" + echo.port())) {
            try (Socket client = Sockets.connect(relay.listeningPort())) {
                Sockets.send(client, "before the signal");
                assertEquals("before the signal", Sockets.readText(client, 17));
                relay.signal(signal);
                // Generous: a guard against a hang, not a bound on how fast it stops.
                assertTrue(relay.process().waitFor(30, TimeUnit.SECONDS),
                        () -> "still running 30 s after SIG" + signal + "; it logged:\n" + relay.log());
                assertEquals(0, relay.process().exitValue());
                assertEquals(0, Sockets.readToEnd(client).length, "the open link ends with a clean close");
            }
        }
    }

    /** -q: the bound port, the ignored SIGHUP and the SIGUSR1 summary are shown all the same. */
    @Test
    void hangUpIsIgnoredAndUser1LogsTheSummary() throws Exception {
        try (TcpServer echo = TcpServer.echo();
                RelayProcess relay = RelayProcess.start(null, "-q", "tcp", "listen:127.0.0.1:0",
                        "conn:127.0.0.1:" + echo.port())) {
            try (Socket client = Sockets.connect(relay.listeningPort())) {
                Sockets.send(client, "ping");
                assertEquals("ping", Sockets.readText(client, 4));
                relay.signal("HUP");
                relay.await(Pattern.compile("INFO  SIGHUP ignored"));
                relay.signal("USR1");
                relay.await(Pattern.compile("INFO  tcp listen:127\\.0\\.0\\.1:0 conn:127\\.0\\.0\\.1:\\d+: 1 link open, 0 closed"));
                assertTrue(relay.process().isAlive());
                relay.signal("TERM");
                assertTrue(relay.process().waitFor(20, TimeUnit.SECONDS));
                assertEquals(0, relay.process().exitValue());
            }
        }
    }

    /** SIGUSR1 also says how many connections were turned away: here one beyond --max-links. */
    @Test
    void user1CountsRefusedConnections() throws Exception {
        try (TcpServer echo = TcpServer.echo();
                RelayProcess relay = RelayProcess.start(null, "-q", "--max-links", "1", "tcp", "listen:127.0.0.1:0",
                        "conn:127.0.0.1:" + echo.port())) {
            int port = relay.listeningPort();
            try (Socket client = Sockets.connect(port)) {
                Sockets.send(client, "ping");
                assertEquals("ping", Sockets.readText(client, 4));
                try (Socket refused = Sockets.connect(port)) {
                    assertEquals(0, Sockets.readToEnd(refused).length, "closed at once, beyond --max-links");
                }
                relay.signal("USR1");
                relay.await(Pattern.compile(": 1 link open, 0 closed; closed ones carried 0 B forward, 0 B back;"
                        + " 1 connection refused$"));
            }
            relay.signal("TERM");
            assertTrue(relay.process().waitFor(20, TimeUnit.SECONDS));
        }
    }

    /** With --config, SIGHUP applies the file again: here it adds a forward, which then serves. */
    @Test
    void hangUpWithAConfigReloadsIt(@TempDir Path dir) throws Exception {
        try (TcpServer echo = TcpServer.echo()) {
            Path file = dir.resolve("pf.conf");
            String to = " conn:127.0.0.1:" + echo.port() + "\n";
            Files.writeString(file, "first: tcp listen:127.0.0.1:0" + to);
            try (RelayProcess relay = RelayProcess.start(null, "-q", "-c", file.toString())) {
                Sockets.assertEcho(relay.listeningPort(), "first");
                Files.writeString(file, "first: tcp listen:127.0.0.1:0" + to + "second: tcp listen:127.0.0.1:0" + to);
                relay.signal("HUP");
                // The reload's summary and the SIGUSR1 lines are notices: -q shows them.
                relay.await(Pattern.compile("reloaded: 1 started \\(second\\), 0 stopped, 0 restarted, 1 unchanged"));
                relay.signal("USR1");
                relay.await(Pattern.compile("\\[second\\] tcp listen:127\\.0\\.0\\.1:0 conn:127\\.0\\.0\\.1:\\d+: 0 links open"));
                relay.signal("TERM");
                assertTrue(relay.process().waitFor(20, TimeUnit.SECONDS));
                assertEquals(0, relay.process().exitValue());
            }
        }
    }

    /**
     * Under nohup SIGHUP stays ignored (the JVM installs no handler for a signal its parent
     * ignored), so a relay with --config says at start that it cannot reload, rather than leaving
     * the user's SIGHUP to do nothing in silence. The warning is the feature here.
     */
    @Test
    void underNohupAConfigsRelaySaysItCannotReload(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pf.conf"), "tcp listen:127.0.0.1:0 conn:127.0.0.1:9\n");
        try (RelayProcess relay = RelayProcess.startUnderNohup("-c", file.toString())) {
            relay.await(Pattern.compile("WARN  SIGHUP was ignored by whoever started the relay \\(nohup does that\\),"
                    + " so SIGHUP cannot reload the configuration"));
            relay.listeningPort();
            relay.signal("TERM");
            assertTrue(relay.process().waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, relay.process().exitValue());
        }
    }
}
