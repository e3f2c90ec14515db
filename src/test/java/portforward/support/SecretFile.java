package portforward.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import portforward.hop.Secret;

/** A secure hop's secret in a file of its own, as `portforward keygen > FILE` makes it. */
public final class SecretFile {
    private SecretFile() {
    }

    /** A new secret in a new temporary file; its path, for --secret-file. */
    public static String create() {
        try {
            Path file = Files.createTempFile("portforward-test-", ".key");
            file.toFile().deleteOnExit();
            Files.writeString(file, Secret.generate().keygenLine() + "\n");
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
