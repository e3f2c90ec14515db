package portforward.hop.secure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import portforward.hop.Secret;

/** A fresh secret written as a keygen line to a file for {@code --secret-file}, and its bytes for a raw peer. */
record HopKey(String file, byte[] psk) {

    static HopKey in(Path dir) throws IOException {
        Secret secret = Secret.generate();
        Path file = Files.createTempFile(dir, "hop", ".key");
        Files.writeString(file, secret.keygenLine() + "\n");
        return new HopKey(file.toString(), secret.bytes());
    }

    /** Another secret, for a peer that does not hold this one. */
    static byte[] other() {
        return Secret.generate().bytes();
    }
}
