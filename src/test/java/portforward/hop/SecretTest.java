package portforward.hop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import portforward.endpoint.BadInputException;

@Timeout(10)
class SecretTest {
    private static final String SOURCE = "secret file /x/hop.key";

    @Test
    void aKeygenLineParsesBackToTheSameBytes() throws BadInputException {
        Secret secret = Secret.generate();
        String line = secret.keygenLine();
        assertEquals(44, line.length());
        assertFalse(line.contains("\n"));
        assertArrayEquals(secret.bytes(), Secret.parse(line, SOURCE).bytes());
    }

    @Test
    void surroundingWhitespaceAndTheTrailingNewlineAreAllowed() throws BadInputException {
        Secret secret = Secret.generate();
        assertArrayEquals(secret.bytes(), Secret.parse(secret.keygenLine() + "\n", SOURCE).bytes());
        assertArrayEquals(secret.bytes(), Secret.parse("  " + secret.keygenLine() + " \r\n", SOURCE).bytes());
    }

    @Test
    void twoSecretsDiffer() {
        assertFalse(Arrays.equals(Secret.generate().bytes(), Secret.generate().bytes()));
    }

    @Test
    void bytesIsACopy() {
        Secret secret = Secret.generate();
        byte[] copy = secret.bytes();
        copy[0] ^= 1;
        assertFalse(Arrays.equals(copy, secret.bytes()));
    }

    @Test
    void anEmptySourceSaysHowToMakeOne() {
        for (String empty : new String[] {"", "\n", "  \t\n"}) {
            String message = assertThrows(BadInputException.class, () -> Secret.parse(empty, SOURCE)).getMessage();
            assertEquals(SOURCE + " is empty (make one with 'portforward keygen > FILE')", message);
        }
    }

    @Test
    void textThatIsNotBase64IsNotAKeygenLineAndIsNotEchoed() {
        String notBase64 = "this is my password!";
        String message = assertThrows(BadInputException.class, () -> Secret.parse(notBase64, SOURCE)).getMessage();
        assertTrue(message.startsWith(SOURCE + " is not a 'portforward keygen' line: expected 44 characters"
                + " of base64 (32 bytes)"), message);
        assertFalse(message.contains("password"), message);
    }

    @Test
    void twoLinesAreNotAKeygenLine() {
        String twoLines = Secret.generate().keygenLine() + "\n" + Secret.generate().keygenLine();
        String message = assertThrows(BadInputException.class, () -> Secret.parse(twoLines, SOURCE)).getMessage();
        assertTrue(message.contains("is not a 'portforward keygen' line"), message);
    }

    @Test
    void fewerThan32BytesIsTooShort() {
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);
        String message = assertThrows(BadInputException.class, () -> Secret.parse(short16, SOURCE)).getMessage();
        assertTrue(message.startsWith(SOURCE + " is too short"), message);
        assertFalse(message.contains(short16), message);
    }

    @Test
    void moreThan32BytesIsNotAKeygenLine() {
        String long33 = Base64.getEncoder().encodeToString(new byte[33]);
        String message = assertThrows(BadInputException.class, () -> Secret.parse(long33, SOURCE)).getMessage();
        assertTrue(message.contains("is not a 'portforward keygen' line"), message);
        assertFalse(message.contains(long33), message);
    }

    @Test
    void toStringNeverShowsTheKey() {
        Secret secret = Secret.generate();
        assertEquals("Secret[redacted]", secret.toString());
        assertFalse(secret.toString().contains(secret.keygenLine()));
    }
}
