package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import portforward.hop.Secret;

@Timeout(30)
class ConfigFileTest {

    private static ConfigFile.Config parse(String text) throws Exception {
        return ConfigFile.parse("pf.conf", text, Map.of());
    }

    private static List<String> errors(String text) {
        return assertThrows(ConfigFile.BadConfigException.class, () -> parse(text)).lines();
    }

    @Test
    void namesCommentsAndOptionsThatApplyBelow() throws Exception {
        ConfigFile.Config c = parse("""
                # forwards of this host
                ssh: tcp listen:0.0.0.0:2222 conn:10.0.0.5:22 --connect-timeout 5
                --connect-timeout 3     # for the forwards below
                tcp listen:0.0.0.0:8080 conn:10.0.0.5:80
                dns: udp listen:0.0.0.0:53 conn:10.0.0.53:53   # comment after a forward
                --metrics 127.0.0.1:9100
                -q
                """);
        assertEquals(List.of("ssh", "4", "dns"), c.forwards().stream().map(ConfigFile.Forward::name).toList());
        assertEquals(List.of(2, 4, 5), c.forwards().stream().map(ConfigFile.Forward::line).toList());
        assertEquals(Duration.ofSeconds(5), c.forwards().get(0).spec().connectTimeout());
        assertEquals(Duration.ofSeconds(3), c.forwards().get(1).spec().connectTimeout());
        assertEquals(9100, c.metrics().orElseThrow().getPort());
        assertEquals(Optional.of(LogSetup.Verbosity.QUIET), c.verbosity());
    }

    @Test
    void aForwardsOwnOptionOverridesADefaultAboveIt() throws Exception {
        ConfigFile.Config c = parse("""
                --connect-timeout 3 --udp-timeout 30 --max-sessions 100
                web: tcp listen:0.0.0.0:8080 conn:10.0.0.5:80 --connect-timeout 7
                dns: udp listen:0.0.0.0:53 conn:10.0.0.53:53 --udp-timeout 5 --max-sessions 9
                tcp listen:0.0.0.0:8081 conn:10.0.0.5:81
                """);
        assertEquals(Duration.ofSeconds(7), c.forwards().get(0).spec().connectTimeout());
        assertEquals(Duration.ofSeconds(5), c.forwards().get(1).spec().udpTimeout());
        assertEquals(9, c.forwards().get(1).spec().maxSessions());
        assertEquals(Duration.ofSeconds(3), c.forwards().get(2).spec().connectTimeout(), "the default still applies");
    }

    @Test
    void aSecretFileAnywhereServesEverySecureForwardAndNoPlainOne(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("hop.key");
        Files.writeString(key, Secret.generate().keygenLine() + "\n");
        ConfigFile.Config c = parse("plain: tcp listen:0.0.0.0:8080 conn:10.0.0.5:80\n"
                + "hop: tcp listen:0.0.0.0:8443 conn+s:relay.example:9999\n"
                + "--secret-file " + key + "\n");
        assertTrue(c.forwards().get(0).spec().secret().isEmpty());
        assertTrue(c.forwards().get(1).spec().secret().isPresent());
    }

    @Test
    void accessOptionsArePerForwardAndAReloadTellsAChangedOne() throws Exception {
        ConfigFile.Config before = parse("""
                --max-links 50                                   # for the forwards below
                web: tcp listen+pp:0.0.0.0:8080 conn+pp2:10.0.0.5:80 --allow-from 10.0.0.0/8
                dns: udp listen:0.0.0.0:53 conn:10.0.0.53:53 --allow-from 192.0.2.0/24,fd00::/8
                db: tcp listen:0.0.0.0:5432 conn:10.0.0.6:5432 --rate-limit 10M --max-links 5
                """);
        ConfigFile.Forward web = before.forwards().get(0);
        assertEquals(50, web.spec().access().maxLinks());
        assertEquals("10.0.0.0/8", web.spec().access().allowFrom().orElseThrow().toString());
        assertTrue(before.forwards().get(1).spec().access().allowFrom().isPresent(), "a line of defaults for tcp does not stop a udp forward");
        assertEquals(5, before.forwards().get(2).spec().access().maxLinks());
        assertEquals(10 << 20, before.forwards().get(2).spec().access().rateLimit());

        ConfigFile.Config same = parse("--max-links 50\n"
                + "web: tcp listen+pp:0.0.0.0:8080 conn+pp2:10.0.0.5:80 --allow-from 10.0.0.0/8\n");
        ConfigFile.Config wider = parse("--max-links 50\n"
                + "web: tcp listen+pp:0.0.0.0:8080 conn+pp2:10.0.0.5:80 --allow-from 10.0.0.0/7\n");
        ConfigFile.Config fewer = parse("--max-links 40\n"
                + "web: tcp listen+pp:0.0.0.0:8080 conn+pp2:10.0.0.5:80 --allow-from 10.0.0.0/8\n");
        assertTrue(same.forwards().get(0).sameAs(web));
        assertFalse(wider.forwards().get(0).sameAs(web), "a changed --allow-from restarts the forward");
        assertFalse(fewer.forwards().get(0).sameAs(web), "a changed --max-links restarts the forward");
        assertTrue(errors("tcp listen:0.0.0.0:1 conn:10.0.0.5:2 --max-links 0\n").get(0)
                .startsWith("pf.conf:1: --max-links 0 out of range"));
        assertTrue(errors("udp listen:0.0.0.0:1 conn+pp2:10.0.0.5:2\n").get(0).contains("the PROXY protocol is for tcp"));
    }

    @Test
    void everyBadLineIsReportedWithFileAndLine() {
        List<String> errors = errors("""
                tcp listen:0.0.0.0:2222 conn:10.0.0.5:22
                tcp listen:0.0.0.0:2222 conn:10.0.0.6:22
                web: tcp listen:0.0.0.0:80 conn:10.0.0.5:80
                web: tcp listen:0.0.0.0:81 conn:10.0.0.5:80
                tcp listen:0.0.0.0:82
                sctp listen:0.0.0.0:83 conn:1.2.3.4:83
                --pool many
                tcp listen:0.0.0.0:84 conn:1.2.3.4:84 --frobnicate
                tcp listen:0.0.0.0:85 conn:1.2.3.4:85 -v
                bad!: tcp listen:0.0.0.0:86 conn:1.2.3.4:86
                udp listen:127.0.0.1:2222 conn:10.0.0.5:22
                tcp listen:127.0.0.1:2222 conn:10.0.0.5:22
                """);
        assertEquals(List.of(
                "pf.conf:2: 'listen:0.0.0.0:2222' is also a listen address of forward '1' (line 1)",
                "pf.conf:4: the name 'web' is taken by line 3",
                "pf.conf:5: expected PROTO SOCK1 SOCK2 but got 2 arguments: tcp listen:0.0.0.0:82",
                "pf.conf:6: unknown protocol 'sctp' (use tcp or udp)",
                "pf.conf:7: --pool 'many' is not a whole number",
                "pf.conf:8: unknown option '--frobnicate'",
                "pf.conf:9: --verbose applies to the whole process: give it on a line of its own or on the command line",
                "pf.conf:10: 'bad!' is not a name (use letters, digits, '_', '.' and '-')",
                "pf.conf:12: 'listen:127.0.0.1:2222' is also a listen address of forward '1' (line 1)"),
                errors.stream().map(e -> e.replaceFirst("(whole number).*", "$1")).toList());
    }

    @Test
    void aDefaultAppliesOnlyWhereItMeansSomethingButOnItsOwnLineItMustApply() throws Exception {
        ConfigFile.Config c = parse("--pool 3 --udp-timeout 7\n"
                + "tcp listen:0.0.0.0:1 conn:10.0.0.5:22\n"
                + "udp listen:0.0.0.0:2 conn:10.0.0.5:53\n"
                + "agent: tcp conn:relay.example:9 conn:10.0.0.5:22\n");
        assertEquals(Duration.ofSeconds(7), c.forwards().get(1).spec().udpTimeout());
        assertEquals(3, c.forwards().get(2).spec().pool());
        assertEquals(List.of("pf.conf:1: --pool does not apply to tcp listen-conn (it is for tcp conn-conn, udp conn-conn)"),
                errors("tcp listen:0.0.0.0:1 conn:10.0.0.5:22 --pool 3\n"));
    }

    @Test
    void anEmptyFileIsAnErrorToo() {
        assertEquals(List.of("pf.conf: no forward in the file (write lines such as"
                + " 'tcp listen:0.0.0.0:2222 conn:10.0.0.5:22')"), errors("# nothing yet\n\n"));
    }

    @Test
    void portZeroNeverClashes() throws Exception {
        assertEquals(2, parse("tcp listen:127.0.0.1:0 conn:10.0.0.5:22\ntcp listen:127.0.0.1:0 conn:10.0.0.5:23\n")
                .forwards().size());
    }
}
