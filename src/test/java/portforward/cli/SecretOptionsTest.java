package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import portforward.endpoint.BadInputException;
import portforward.endpoint.Layer;
import portforward.support.SecretFile;

/** keygen, --secret-file and PORTFORWARD_SECRET as the user meets them. */
@Timeout(30)
class SecretOptionsTest {

    @Test
    void keygenPrintsOneLineOf32RandomBytes() {
        CommandLineTest.Outcome first = CommandLineTest.run("keygen");
        CommandLineTest.Outcome second = CommandLineTest.run("keygen");
        assertEquals(0, first.code());
        assertEquals("", first.err());
        assertTrue(first.out().endsWith("\n") && first.out().indexOf('\n') == first.out().length() - 1, first.out());
        assertEquals(32, Base64.getDecoder().decode(first.out().strip()).length);
        assertFalse(first.out().equals(second.out()), "two keys alike");
    }

    @Test
    void secureEndpointsParseWithTheSecretFromAFile() throws Exception {
        String key = SecretFile.create();
        var parsed = new CommandLine().parse(Map.of(), "--secret-file", key, "tcp", "listen:0.0.0.0:8888",
                "LISTEN+Secure:0.0.0.0:9999");
        assertTrue(parsed.spec().second().layers().contains(Layer.SECURE));
        assertFalse(parsed.spec().first().isSecure());
        assertEquals("listen+s:0.0.0.0:9999", parsed.spec().second().toString());
        assertTrue(parsed.spec().secret().isPresent());
    }

    @Test
    void theEnvironmentVariableServesWhenNoFileIsGiven() throws Exception {
        String line = Files.readString(Path.of(SecretFile.create())).strip();
        var parsed = new CommandLine().parse(Map.of(CommandLine.SECRET_VARIABLE, line), "tcp",
                "conn+s:relay.example:9999", "conn:10.0.0.5:25");
        assertTrue(parsed.spec().secret().isPresent());
        // Set for a shell and a plain relay: not an error.
        new CommandLine().parse(Map.of(CommandLine.SECRET_VARIABLE, line), "tcp", "listen:0.0.0.0:1", "conn:1.2.3.4:2");
    }

    @Test
    void badSecretsAreExitTwoWithOneLineNamingTheFix(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.key");
        Path empty = Files.writeString(dir.resolve("empty.key"), "");
        Path shortKey = Files.writeString(dir.resolve("short.key"), Base64.getEncoder().encodeToString(new byte[16]));
        Path prose = Files.writeString(dir.resolve("prose.key"), "my secret password\n");
        Path unreadable = Files.createDirectory(dir.resolve("a-directory.key"));
        String relay = "tcp listen:127.0.0.1:0 listen+s:127.0.0.1:0";
        expect("needs a secret: give --secret-file FILE or set PORTFORWARD_SECRET", relay.split(" "));
        expect("secret file " + missing + " does not exist (make one with 'portforward keygen > ",
                ("--secret-file " + missing + " " + relay).split(" "));
        expect("is empty", ("--secret-file " + empty + " " + relay).split(" "));
        expect("too short", ("--secret-file " + shortKey + " " + relay).split(" "));
        expect("is not a 'portforward keygen' line", ("--secret-file " + prose + " " + relay).split(" "));
        expect("cannot be read", ("--secret-file " + unreadable + " " + relay).split(" "));
        expect("--secret-file is only for +s endpoints", ("--secret-file " + SecretFile.create()
                + " tcp listen:127.0.0.1:0 conn:127.0.0.1:1").split(" "));
        expect("needs a secret: give --secret-file FILE or set PORTFORWARD_SECRET",
                "udp listen+s:127.0.0.1:0 conn:127.0.0.1:1".split(" "));
        expect("--rekey-datagrams 0 out of range (use 1..1152921504606846976)", ("--rekey-datagrams 0 --secret-file "
                + SecretFile.create() + " udp listen+s:127.0.0.1:0 conn:127.0.0.1:1").split(" "));
        expect("--rekey does not apply to tcp listen-conn", ("--rekey 5 --secret-file " + SecretFile.create()
                + " tcp listen+s:127.0.0.1:0 conn:127.0.0.1:1").split(" "));
        expect("unknown layer '+x' in 'listen+x:127.0.0.1:0' (use +s for the secure hop, listen+pp or conn+pp1/conn+pp2 for the PROXY protocol)",
                "tcp listen+x:127.0.0.1:0 conn:127.0.0.1:1".split(" "));
    }

    @Test
    void theSecretNeverAppearsInAnErrorOrTheParsedSpec(@TempDir Path dir) throws Exception {
        String line = Base64.getEncoder().encodeToString(new byte[31]) + "QQ"; // base64 of a wrong length
        Path file = Files.writeString(dir.resolve("bad.key"), line);
        CommandLineTest.Outcome outcome = CommandLineTest.run("--secret-file", file.toString(), "tcp",
                "listen:127.0.0.1:0", "listen+s:127.0.0.1:0");
        assertEquals(2, outcome.code());
        assertFalse(outcome.err().contains(line) || outcome.err().contains(line.substring(0, 20)), outcome.err());
        String good = Files.readString(Path.of(SecretFile.create())).strip();
        var parsed = new CommandLine().parse(Map.of(CommandLine.SECRET_VARIABLE, good), "tcp",
                "listen:127.0.0.1:0", "listen+s:127.0.0.1:0");
        assertFalse(parsed.spec().toString().contains(good) || parsed.toString().contains(good));
    }

    private static void expect(String message, String... args) {
        CommandLineTest.Outcome outcome = CommandLineTest.run(args);
        assertEquals(2, outcome.code(), outcome.err());
        assertTrue(outcome.err().contains(message), "expected '" + message + "' in: " + outcome.err());
        assertEquals(2, outcome.err().lines().count(), "one line and the usage hint: " + outcome.err());
    }

    @Test
    void parseRejectsNothingElseAboutLayers() throws BadInputException {
        var parsed = new CommandLine().parse(Map.of(), "tcp", "listen:[::1]:0", "conn:[::1]:1");
        assertTrue(parsed.spec().first().layers().isEmpty());
    }
}
