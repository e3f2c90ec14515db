package portforward.hop.secure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import portforward.hop.Secret;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/** A fresh secret written as a keygen line to a file for {@code --secret-file}, and its bytes for a raw peer. */
record HopKey(String file, byte[] psk) {

    static HopKey in(Path dir) throws IOException {
        Secret secret = Secret.generate();
        Path file = Files.createTempFile(dir, "hop", ".key");
        Files.writeString(file, secret.keygenLine() + "\n");
        return new HopKey(file.toString(), secret.bytes());
    }

    /** A rendezvous relay with this key: port 0 plain for clients, port 1 listen+s for agents. */
    TestRelay rendezvous(Transport transport) throws Exception {
        return TestRelay.start(transport, "--secret-file", file, "tcp", "listen:127.0.0.1:0", "listen+s:127.0.0.1:0");
    }

    /** A forward with this key: listen+s on its port, to {@code targetPort} in the clear. */
    TestRelay forward(Transport transport, int targetPort) throws Exception {
        return TestRelay.start(transport, "--secret-file", file, "tcp", "listen+s:127.0.0.1:0",
                "conn:127.0.0.1:" + targetPort);
    }

    /** Another secret, for a peer that does not hold this one. */
    static byte[] other() {
        return Secret.generate().bytes();
    }
}
