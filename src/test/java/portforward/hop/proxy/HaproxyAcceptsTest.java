package portforward.hop.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.support.Sockets.connectFrom;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.Sockets;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * A real receiver of the PROXY protocol: haproxy with {@code accept-proxy}, answering each HTTP
 * request with the client address it took from the header. Skipped, with a line saying so, where
 * haproxy or python3 is not installed (.ci/run installs both); ProxyProtocolTest, which decodes the
 * same headers with Netty's decoder, always runs.
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class HaproxyAcceptsTest {
    private static final String CONFIG = """
            defaults
                mode http
                timeout connect 5s
                timeout client 10s
                timeout server 10s
            frontend seen
                bind fd@3 accept-proxy
                http-request return status 200 content-type text/plain lf-string "%[src] %[src_port] %[dst] %[dst_port]\\n"
            """;
    /**
     * haproxy is given a socket already bound to port 0 (fd 3) rather than a port number, so that
     * no port is picked free and then bound by someone else.
     */
    private static final String LAUNCH = """
            import os, socket, sys
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen(64)
            os.dup2(s.fileno(), 3)
            os.set_inheritable(3, True)
            print(s.getsockname()[1], flush=True)
            os.execv(sys.argv[2], ["haproxy", "-db", "-f", sys.argv[1]])
            """;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void haproxyReadsTheClientFromV1AndV2(Transport transport, @TempDir Path dir) throws Exception {
        Optional<Path> haproxyBinary = find("haproxy");
        boolean present = haproxyBinary.isPresent() && find("python3").isPresent();
        if (!present) {
            System.out.println("HaproxyAcceptsTest: haproxy or python3 not found (Debian packages haproxy, python3);"
                    + " skipping the real-server check, ProxyProtocolTest still decodes the headers");
        }
        Assumptions.assumeTrue(present, "haproxy not installed");
        Path config = Files.writeString(dir.resolve("haproxy.cfg"), CONFIG);
        Path launch = Files.writeString(dir.resolve("launch.py"), LAUNCH);
        Process haproxy = new ProcessBuilder("python3", launch.toString(), config.toString(),
                haproxyBinary.get().toString())
                .redirectError(dir.resolve("haproxy.err").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(haproxy.getInputStream(), StandardCharsets.UTF_8));
            int port = Integer.parseInt(out.readLine().trim());
            for (String version : new String[] {"pp1", "pp2"}) {
                try (TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0",
                        "conn+" + version + ":127.0.0.1:" + port);
                        Socket client = connectFrom("127.0.0.2", "127.0.0.1", relay.port())) {
                    client.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    String answer = new String(Sockets.readToEnd(client), StandardCharsets.US_ASCII);
                    assertTrue(answer.startsWith("HTTP/1.1 200"), version + ": haproxy answered: " + answer
                            + Files.readString(dir.resolve("haproxy.err")));
                    String body = answer.substring(answer.indexOf("\r\n\r\n") + 4).trim();
                    assertEquals("127.0.0.2 " + client.getLocalPort() + " 127.0.0.1 " + relay.port(), body, version);
                }
            }
        } finally {
            haproxy.destroy();
            haproxy.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** {@code command} on the PATH, or in /usr/sbin where Debian puts haproxy and a user's PATH may not look. */
    private static Optional<Path> find(String command) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return Optional.of(Path.of(dir, command));
            }
        }
        return Optional.empty();
    }
}
