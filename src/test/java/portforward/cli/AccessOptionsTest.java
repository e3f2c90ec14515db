package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import portforward.endpoint.Access;
import portforward.endpoint.Layer;
import portforward.endpoint.RelaySpec;

/** --allow-from, --max-links, --rate-limit and the PROXY protocol layers as the user meets them. */
@Timeout(30)
class AccessOptionsTest {

    @Test
    void accessOptionsAndLayersParse() throws Exception {
        RelaySpec spec = new CommandLine().parse(Map.of(), "--allow-from", "10.0.0.0/8,fd00::/8", "--allow-from",
                "192.0.2.7", "--max-links", "100", "--rate-limit", "1.5M/s", "tcp", "listen+pp:0.0.0.0:8080",
                "conn+pp2:10.0.0.5:80").spec();
        Access access = spec.access();
        assertTrue(access.allowFrom().orElseThrow().permits(InetAddress.getByName("10.9.8.7")));
        assertTrue(access.allowFrom().orElseThrow().permits(InetAddress.getByName("fd12::1")));
        assertTrue(access.allowFrom().orElseThrow().permits(InetAddress.getByName("192.0.2.7")));
        assertFalse(access.allowFrom().orElseThrow().permits(InetAddress.getByName("192.0.2.8")));
        assertFalse(access.allowFrom().orElseThrow().permits(InetAddress.getByName("::ffff:11.0.0.1")));
        assertEquals(100, access.maxLinks());
        assertEquals(1572864, access.rateLimit());
        assertTrue(spec.first().readsProxyHeader());
        assertTrue(spec.second().layers().contains(Layer.PROXY_V2));
        assertEquals("tcp listen+pp:0.0.0.0:8080 conn+pp2:10.0.0.5:80", spec.toString());
        assertEquals(Access.OPEN, new CommandLine().parse(Map.of(), "tcp", "listen:127.0.0.1:1", "conn:127.0.0.1:2")
                .spec().access());
        for (String rate : List.of("1024", "1K", "512k", "10M", "10MiB/s", "1G", "2.5m")) {
            new CommandLine().parse(Map.of(), "--rate-limit", rate, "tcp", "listen:127.0.0.1:1", "conn:127.0.0.1:2");
        }
        // An agent may cap what it carries and send the header to its target.
        new CommandLine().parse(Map.of(), "--rate-limit", "1M", "tcp", "conn:127.0.0.1:1", "conn+pp1:127.0.0.1:2");
    }

    @Test
    void badAccessInputIsExitTwoWithOneLineNamingIt() {
        for (String bad : List.of("10.0.0.0/33", "10.0.0.1:22", "[fd00::/8]:22", "[::1]", "example.com", "10.0.0.0/8,",
                "300.1.1.1")) {
            expect("--allow-from: ", "--allow-from", bad, "tcp", "listen:127.0.0.1:1", "conn:127.0.0.1:2");
        }
        expect("--max-links 0 out of range", "--max-links", "0", "tcp", "listen:127.0.0.1:1", "conn:127.0.0.1:2");
        expect("--max-links 'many' is not a whole number", "--max-links", "many", "tcp", "listen:127.0.0.1:1",
                "conn:127.0.0.1:2");
        expect("--rate-limit '10 apples' is not a rate", "--rate-limit", "10 apples", "tcp", "listen:127.0.0.1:1",
                "conn:127.0.0.1:2");
        expect("--rate-limit 10 out of range", "--rate-limit", "10", "tcp", "listen:127.0.0.1:1", "conn:127.0.0.1:2");
        expect("--max-links does not apply to udp listen-conn", "--max-links", "5", "udp", "listen:127.0.0.1:1",
                "conn:127.0.0.1:2");
        expect("--rate-limit does not apply to udp listen-conn", "--rate-limit", "1M", "udp", "listen:127.0.0.1:1",
                "conn:127.0.0.1:2");
        expect("--allow-from does not apply to tcp conn-conn", "--allow-from", "10.0.0.0/8", "tcp",
                "conn:127.0.0.1:1", "conn:127.0.0.1:2");
        expect("'conn+pp2:127.0.0.1:2': the PROXY protocol is for tcp here", "udp", "listen:127.0.0.1:1",
                "conn+pp2:127.0.0.1:2");
        expect("'listen+pp:127.0.0.1:1': the PROXY protocol is for tcp here", "udp", "listen+pp:127.0.0.1:1",
                "conn:127.0.0.1:2");
        expect("+pp1 and +pp2 send a header and are for conn", "tcp", "listen+pp1:127.0.0.1:1", "conn:127.0.0.1:2");
        expect("+pp reads a header and is for listen", "tcp", "listen:127.0.0.1:1", "conn+pp:127.0.0.1:2");
        expect("choose one of +pp1 and +pp2", "tcp", "listen:127.0.0.1:1", "conn+pp1+pp2:127.0.0.1:2");
        expect("unknown layer '+pp3'", "tcp", "listen:127.0.0.1:1", "conn+pp3:127.0.0.1:2");
        expect("listen+pp is for a tcp listen-conn forward", "tcp", "listen+pp:127.0.0.1:1", "listen:127.0.0.1:2");
        expect("put +pp1 or +pp2 on SOCK2", "tcp", "conn+pp2:127.0.0.1:1", "conn:127.0.0.1:2");
        expect("+s and a PROXY protocol layer exclude each other", "--secret-file", "/dev/null", "tcp",
                "listen:127.0.0.1:1", "conn+s+pp2:127.0.0.1:2");
    }

    @Test
    void helpNamesTheSourceAndDestinationListsApart() {
        String help = new CommandLine().helpText();
        assertTrue(help.contains("--allow-from CIDR"), help);
        assertTrue(help.contains("--allow CIDR[:PORTS]"), help);
        assertTrue(help.contains("--max-links N"), help);
        assertTrue(help.contains("--rate-limit BYTES/s"), help);
        assertTrue(help.contains("listen+pp"), help);
    }

    private static void expect(String message, String... args) {
        CommandLineTest.Outcome outcome = CommandLineTest.run(args);
        assertEquals(2, outcome.code(), outcome.err());
        assertTrue(outcome.err().contains(message), "expected '" + message + "' in: " + outcome.err());
        assertEquals(2, outcome.err().lines().count(), "one line and the usage hint: " + outcome.err());
    }
}
