package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import portforward.endpoint.Role;
import portforward.endpoint.RelaySpec;

@Timeout(30)
class CommandLineTest {

    /** What one run of the command printed, and its exit code. */
    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new CountDownLatch(0));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "sctp listen:0.0.0.0:80 conn:1.2.3.4:80           | unknown protocol 'sctp'",
        "tcp listen:0.0.0.0:80 conn:10.0.0.5:70000        | port 70000 out of range in 'conn:10.0.0.5:70000'",
        "tcp listen:[::1:80 conn:1.2.3.4:80               | missing ']' in 'listen:[::1:80'",
        "tcp bind:0.0.0.0:80 conn:1.2.3.4:80              | unknown method 'bind' in 'bind:0.0.0.0:80'",
        "tcp listen:0.0.0.0:80 conn:1.2.3.4:0             | port 0 out of range in 'conn:1.2.3.4:0'",
        "tcp listen:0.0.0.0:80 conn:1.2.3.4               | missing port in 'conn:1.2.3.4'",
        "tcp listen:0.0.0.0:80 conn:1.2.3.4:ssh           | port 'ssh' is not a number in 'conn:1.2.3.4:ssh'",
        "tcp listen:0.0.0.0:80 conn:::1:80                | IPv6 address must be in brackets",
        "tcp listen:0.0.0.0:80 conn:[nothex]:80           | 'nothex' is not an IPv6 address in 'conn:[nothex]:80'",
        "tcp listen:0.0.0.0:80 conn:0.0.0.0:80            | cannot connect to the wildcard address '0.0.0.0'",
        "tcp listen:0.0.0.0:80 conn:[::]:80               | cannot connect to the wildcard address '::'",
        "tcp listen:300.1.1.1:80 conn:1.2.3.4:80          | '300.1.1.1' is not an IPv4 address in 'listen:300.1.1.1:80'",
        "tcp listen::80 conn:1.2.3.4:80                   | missing host in 'listen::80'",
        "tcp listen:bad_host!:80 conn:1.2.3.4:80          | 'bad_host!' is not a valid host name",
        "tcp listen:0.0.0.0:80                            | expected PROTO SOCK1 SOCK2 but got 2 arguments",
        "''                                               | expected PROTO SOCK1 SOCK2 but got 0 arguments",
        "tcp a:1 b:2 c:3                                  | expected PROTO SOCK1 SOCK2 but got 4 arguments",
        "--pool 0 tcp conn:1.2.3.4:1 conn:1.2.3.4:2       | --pool 0 out of range (use 1..1024)",
        "--pool many tcp conn:1.2.3.4:1 conn:1.2.3.4:2    | --pool 'many' is not a whole number",
        "--connect-timeout -1 tcp listen:1.2.3.4:1 conn:1.2.3.4:2 | '-1' seconds is out of range",
        "--pair-timeout soon tcp listen:1.2.3.4:1 conn:1.2.3.4:2  | 'soon' is not a number of seconds",
        "--udp-timeout 0 udp listen:1.2.3.4:1 conn:1.2.3.4:2      | '0' seconds is out of range",
        "--max-sessions 0 udp listen:1.2.3.4:1 conn:1.2.3.4:2     | --max-sessions 0 out of range",
        "--frobnicate tcp listen:1.2.3.4:1 conn:1.2.3.4:2         | unknown option '--frobnicate'",
        "-x tcp listen:1.2.3.4:1 conn:1.2.3.4:2                   | unknown option '-x'",
        "tcp listen:1.2.3.4:1 conn:1.2.3.4:2 --connect-timeout    | option '--connect-timeout' needs a value",
        "-v -q tcp listen:1.2.3.4:1 conn:1.2.3.4:2                | -v and -q contradict each other",
        "--transport kqueue tcp listen:1.2.3.4:1 conn:1.2.3.4:2   | unknown transport 'kqueue'",
        "tcp listen:127.0.0.1:8000 conn:http://127.0.0.1:8000     | portforward takes HOST:PORT, not a URL",
        "tcp listen:[fe80::1%nosuchif0]:80 conn:127.0.0.1:9       | no interface named 'nosuchif0'",
        "tcp listen:127.0.0.1:8000 conn:127.0.0.1:8000            | 'conn:127.0.0.1:8000' is the relay's own listen address",
        "udp conn:localhost:53 listen:0.0.0.0:53                  | 'conn:localhost:53' is the relay's own listen address",
        "tcp listen:[::]:8000 conn:[::1]:8000                     | 'conn:[::1]:8000' is the relay's own listen address",
        "tcp listen:127.0.0.1:9000 listen:0.0.0.0:9000            | are the same address",
        "udp listen:1.2.3.4:1 conn:1.2.3.4:2 --pool 3             | --pool does not apply to udp listen-conn (it is for tcp conn-conn, udp conn-conn)",
        "tcp listen:1.2.3.4:1 conn:1.2.3.4:2 --max-sessions 10    | --max-sessions does not apply to tcp listen-conn",
        "tcp conn:1.2.3.4:1 conn:1.2.3.4:2 --pair-timeout 5       | --pair-timeout does not apply to tcp conn-conn",
        "udp listen:1.2.3.4:1 listen:1.2.3.4:2 --connect-timeout 5 | --connect-timeout does not apply to udp listen-listen",
        "--metrics 9100 tcp listen:1.2.3.4:1 conn:1.2.3.4:2        | --metrics: '9100' is not HOST:PORT",
        "--metrics 127.0.0.1:99999 tcp listen:1.2.3.4:1 conn:1.2.3.4:2 | port 99999 out of range",
        "--metrics http://127.0.0.1:9100 tcp listen:1.2.3.4:1 conn:1.2.3.4:2 | --metrics: 'http://127.0.0.1:9100' is not HOST:PORT",
    })
    void badInputIsExitCode2WithOneLineNamingTheValueAndAHint(String line, String expected) {
        Outcome o = run(line.isBlank() ? new String[0] : line.trim().split("\\s+"));
        assertEquals(2, o.code(), o.err());
        String[] lines = o.err().strip().split("\n");
        assertEquals(2, lines.length, o.err());
        assertTrue(lines[0].startsWith("portforward: ") && lines[0].contains(expected), lines[0]);
        assertEquals("Run 'portforward --help' for usage.", lines[1]);
        assertEquals("", o.out());
    }

    @Test
    void helpGoesToStdoutWithEveryDefault() {
        Outcome o = run("--help");
        assertEquals(0, o.code());
        assertTrue(o.out().startsWith("Usage: portforward [options] PROTO SOCK1 SOCK2"), o.out());
        for (String option : new String[] {"--connect-timeout", "--pair-timeout", "--pool", "--udp-timeout",
            "--max-sessions", "-q, --quiet", "-v, --verbose", "-V, --version"}) {
            assertTrue(o.out().contains(option), option + " missing from help");
        }
        for (String dflt : new String[] {"(default: 10)", "(default: 120)", "(default: 4)", "(default: 60)",
            "(default: 65536)"}) {
            assertTrue(o.out().contains(dflt), dflt + " missing from help");
        }
        assertEquals(0, run("-h").code());
    }

    @Test
    void versionIsOneLine() {
        Outcome o = run("-V");
        assertEquals(0, o.code());
        assertTrue(o.out().matches("portforward \\d+\\.\\d+\\.\\d+\\R"), o.out());
        assertEquals(o.out(), run("--version").out());
    }

    @Test
    void optionsMayStandAfterThePositionalsAndWordsAreCaseInsensitive() throws Exception {
        RelaySpec spec = new CommandLine().parse("UDP", "Listen:[fe80::1%lo]:0", "CONN:host.example:53",
                "--udp-timeout", "2.5", "--max-sessions", "8", "-q").spec();
        assertEquals(Role.LISTEN, spec.first().role());
        assertEquals("fe80::1%lo", spec.first().host());
        assertEquals(0, spec.first().port());
        assertEquals("host.example", spec.second().host());
        assertEquals(Duration.ofMillis(2500), spec.udpTimeout());
        assertEquals(8, spec.maxSessions());
        assertEquals(Duration.ofSeconds(10), spec.connectTimeout());
    }

    @Test
    void addressInUseIsExitCode1NamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Outcome o = run("tcp", "listen:127.0.0.1:" + taken.getLocalPort(), "conn:127.0.0.1:9");
            assertEquals(1, o.code(), o.err());
            assertTrue(o.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use"),
                    o.err());
            assertTrue(o.err().strip().lines().count() == 1, o.err());
        }
    }

    @Test
    void aMetricsAddressInUseIsExitCode1NamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Outcome o = run("--metrics", "127.0.0.1:" + taken.getLocalPort(), "tcp", "listen:127.0.0.1:0",
                    "conn:127.0.0.1:9");
            assertEquals(1, o.code(), o.err());
            assertTrue(o.err().contains("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": "), o.err());
        }
    }

    @Test
    void theMetricsAddressIsParsedLikeAListenAddress() throws Exception {
        CommandLine.Parsed parsed = new CommandLine().parse("--metrics", "[::1]:0", "tcp", "listen:127.0.0.1:0",
                "conn:127.0.0.1:9");
        assertEquals(new java.net.InetSocketAddress("::1", 0), parsed.metrics().orElseThrow());
        assertTrue(new CommandLine().parse("tcp", "listen:127.0.0.1:0", "conn:127.0.0.1:9").metrics().isEmpty());
    }

    @Test
    void aListenAddressOfAnotherHostIsExitCode1SayingSo() {
        // 192.0.2.1 is reserved for documentation: no interface has it, and binding sends nothing.
        Outcome o = run("tcp", "listen:192.0.2.1:0", "conn:127.0.0.1:9");
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("cannot listen on 192.0.2.1:0: cannot assign requested address"
                + " ('192.0.2.1' is not an address of this host"), o.err());
    }

    @Test
    void unresolvableListenHostIsExitCode1() {
        // The test JVM resolves names from src/test/resources/hosts only, so this asks no DNS server.
        Outcome o = run("tcp", "listen:no-such-host.invalid:8080", "conn:127.0.0.1:9");
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("cannot listen on no-such-host.invalid:8080: host name 'no-such-host.invalid'"
                + " does not resolve"), o.err());
    }
}
