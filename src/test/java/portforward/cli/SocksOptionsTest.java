package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import portforward.endpoint.Endpoint;

/** The socks endpoint, --socks-auth and --allow as the user meets them on the command line. */
@Timeout(30)
class SocksOptionsTest {

    @Test
    void socksParsesAsTheSecondEndpointWithItsOptions(@TempDir Path dir) throws Exception {
        Path users = Files.writeString(dir.resolve("users"), "# who may use it\nalice:wonder land\n\nbob:b:c\n");
        var parsed = new CommandLine().parse(Map.of(), "--socks-auth", users.toString(), "--allow",
                "10.0.0.0/8:22,[fd00::/8]:80-443", "--allow", "192.168.1.7", "tcp", "listen:127.0.0.1:1080", "SOCKS");
        Endpoint socks = parsed.spec().second();
        assertTrue(socks.isSocks());
        assertEquals("socks", socks.toString());
        assertEquals("tcp listen:127.0.0.1:1080 socks", parsed.spec().toString());
        assertTrue(parsed.spec().socks().users().orElseThrow().accepts("alice", "wonder land"));
        assertTrue(parsed.spec().socks().users().orElseThrow().accepts("bob", "b:c"));
        assertTrue(parsed.spec().socks().allow().isPresent());
        // An agent, plain or over the secure hop.
        assertTrue(new CommandLine().parse(Map.of(), "tcp", "conn:relay.example:9999", "socks").spec().socks().isOpen());
    }

    @Test
    void badSocksInputIsExitTwoWithOneLineNamingIt(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "# nobody\n");
        Path noColon = Files.writeString(dir.resolve("nocolon"), "alice\n");
        Path missing = dir.resolve("missing");
        expect("'socks' must be SOCK2", "tcp", "socks", "listen:127.0.0.1:1080");
        expect("'socks' is for tcp", "udp", "listen:127.0.0.1:1080", "socks");
        expect("socks takes no address", "tcp", "listen:127.0.0.1:1080", "socks:1.2.3.4:80");
        expect("--allow is only for a socks endpoint", "--allow", "10.0.0.0/8", "tcp", "listen:127.0.0.1:1",
                "conn:127.0.0.1:2");
        expect("--socks-auth is only for a socks endpoint", "--socks-auth", empty.toString(), "tcp",
                "listen:127.0.0.1:1", "conn:127.0.0.1:2");
        expect("--socks-auth file " + missing + " does not exist", "--socks-auth", missing.toString(), "tcp",
                "listen:127.0.0.1:1", "socks");
        expect("lists no user", "--socks-auth", empty.toString(), "tcp", "listen:127.0.0.1:1", "socks");
        expect("line 1: expected user:password", "--socks-auth", noColon.toString(), "tcp", "listen:127.0.0.1:1",
                "socks");
        for (String bad : new String[] {"10.0.0.0/33", "10.0.0/8", "example.com", "10.0.0.0/8:0", "10.0.0.0/8:70000",
                "10.0.0.0/8:443-80", "fd00::/129", "[fd00::/8", "10.0.0.0/8,", "::1:22x"}) {
            expect("--allow: ", "--allow", bad, "tcp", "listen:127.0.0.1:1", "socks");
            expect("'" + bad.split(",")[0].replace("[fd00::/8", "[fd00::/8"), "--allow", bad, "tcp",
                    "listen:127.0.0.1:1", "socks");
        }
    }

    private static void expect(String message, String... args) {
        CommandLineTest.Outcome outcome = CommandLineTest.run(args);
        assertEquals(2, outcome.code(), outcome.err());
        assertTrue(outcome.err().contains(message), "expected '" + message + "' in: " + outcome.err());
        assertEquals(2, outcome.err().lines().count(), "one line and the usage hint: " + outcome.err());
    }
}
