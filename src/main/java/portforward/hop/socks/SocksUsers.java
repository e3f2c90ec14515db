package portforward.hop.socks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import portforward.endpoint.BadInputException;

/** The users of {@code --socks-auth FILE}: lines of {@code user:password} (RFC 1929), checked in constant time. */
public final class SocksUsers {
    private final Map<String, byte[]> passwords;

    private SocksUsers(Map<String, byte[]> passwords) {
        this.passwords = Map.copyOf(passwords);
    }

    /**
     * Parses the file's text. Blank lines and lines starting with '#' are skipped; a name or password
     * longer than 255 bytes could never be sent (RFC 1929), so it is an error, as is a line without ':'.
     */
    public static SocksUsers parse(String text, String source) throws BadInputException {
        Map<String, byte[]> users = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String where = source + " line " + (i + 1);
            if (colon <= 0) {
                throw new BadInputException(where + ": expected user:password");
            }
            String user = line.substring(0, colon);
            byte[] password = line.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
            if (user.getBytes(StandardCharsets.UTF_8).length > 255 || password.length > 255) {
                throw new BadInputException(where + ": a user name or password is at most 255 bytes");
            }
            if (password.length == 0) {
                throw new BadInputException(where + ": user '" + user + "' has an empty password");
            }
            if (users.put(user, password) != null) {
                throw new BadInputException(where + ": user '" + user + "' is listed twice");
            }
        }
        if (users.isEmpty()) {
            throw new BadInputException(source + " lists no user (write lines of user:password)");
        }
        return new SocksUsers(users);
    }

    /** Whether {@code user} is listed with {@code password}; the password comparison takes the same time wherever it differs. */
    public boolean accepts(String user, String password) {
        byte[] expected = passwords.get(user);
        byte[] given = password.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected != null ? expected : new byte[given.length + 1], given) && expected != null;
    }
}
