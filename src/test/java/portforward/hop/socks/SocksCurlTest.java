package portforward.hop.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * curl, a real client, through the local socks server: --socks5-hostname (the name resolved by the
 * socks endpoint, from the tests' hosts file), --socks5 (curl resolves), --socks4a, and an IPv6
 * target. Skips, saying so, where curl is not installed; SocksConnectTest covers the same by hand.
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class SocksCurlTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void curlThroughTheLocalSocksServer(Transport transport) throws Exception {
        Assumptions.assumeTrue(curlInstalled(), "SKIPPED: curl is not installed (SocksConnectTest covers SOCKS by hand)");
        HttpServer four = page(InetAddress.getByName("127.0.0.1"), "hello over IPv4");
        HttpServer six = page(InetAddress.getByName("::1"), "hello over IPv6");
        try (TestRelay relay = SocksConnectTest.socks(transport)) {
            String proxy = "127.0.0.1:" + relay.port();
            int port4 = four.getAddress().getPort();
            assertEquals("hello over IPv4", curl("--socks5-hostname", proxy, "http://" + SocksConnectTest.NAME + ":" + port4 + "/"));
            assertEquals("hello over IPv4", curl("--socks5", proxy, "http://127.0.0.1:" + port4 + "/"));
            assertEquals("hello over IPv4", curl("--socks4a", proxy, "http://" + SocksConnectTest.NAME + ":" + port4 + "/"));
            assertEquals("hello over IPv6", curl("--socks5-hostname", proxy,
                    "http://[::1]:" + six.getAddress().getPort() + "/"));
        } finally {
            four.stop(0);
            six.stop(0);
        }
    }

    private static HttpServer page(InetAddress address, String text) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 16);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static boolean curlInstalled() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }
}
