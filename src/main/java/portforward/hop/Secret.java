package portforward.hop;

import java.security.SecureRandom;
import java.util.Base64;
import portforward.endpoint.BadInputException;

/** The 32-byte secret two relays share, as made by {@code portforward keygen}. Never printed. */
public final class Secret {
    public static final int LENGTH = 32;
    private static final int LINE_LENGTH = 44;

    private final byte[] bytes;

    private Secret(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Secret generate() {
        byte[] bytes = new byte[LENGTH];
        new SecureRandom().nextBytes(bytes);
        return new Secret(bytes);
    }

    /** Base64 (standard, padded) of the 32 bytes, without a newline. */
    public String keygenLine() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Parses a secret file's contents or an environment variable's value: one keygen line, with
     * surrounding whitespace allowed. Messages name the source, never the content.
     */
    public static Secret parse(String text, String source) throws BadInputException {
        String line = text.strip();
        if (line.isEmpty()) {
            throw new BadInputException(source + " is empty (make one with 'portforward keygen > FILE')");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            throw notAKeygenLine(source, line.length() + " characters that are not all base64");
        }
        if (decoded.length < LENGTH) {
            throw new BadInputException(source + " is too short: it holds " + decoded.length + " bytes, a secret is "
                    + LENGTH + " (make a new one with 'portforward keygen > FILE')");
        }
        if (decoded.length > LENGTH) {
            throw notAKeygenLine(source, line.length() + " characters, " + decoded.length + " bytes");
        }
        return new Secret(decoded);
    }

    private static BadInputException notAKeygenLine(String source, String found) {
        return new BadInputException(source + " is not a 'portforward keygen' line: expected " + LINE_LENGTH
                + " characters of base64 (" + LENGTH + " bytes), found " + found
                + " (make one with 'portforward keygen > FILE')");
    }

    /** A copy, so no caller can change the secret another holds. */
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
