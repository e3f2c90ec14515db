package portforward.hop.secure;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.logging.Logger;
import portforward.hop.Secret;
import portforward.hop.noise.CipherState;
import portforward.hop.noise.NoiseHandshake;

/**
 * Runs handshakes and records through the JIT before the first peer needs them. AES-GCM and X25519
 * are fast only once C2 has compiled their callers down to the CPU's AES and carry-less multiply
 * instructions; until then a record costs fifty times as much, and a relay started for one
 * transfer would spend it all there. A background thread of low priority does this at start-up:
 * about a second of one core, after which the hop runs at full speed from its first link. The
 * handshakes come first: they take a small part of that second, and a burst of new UDP clients,
 * each with a handshake of its own, may arrive while the records are still being warmed.
 */
public final class Warmup {
    private static final Logger LOG = Logger.getLogger("portforward.hop");
    private static final int HANDSHAKES = 100;
    /**
     * Mostly small records, which take the cipher's methods through C2 at a fraction of the work
     * while it still runs slowly; one in four is full-sized, because AES-GCM takes other methods
     * for a long input (GHASH's block loop for direct buffers among them), and those were still
     * interpreted when the first bulk transfer came.
     */
    private static final int RECORDS = 60_000;
    private static final int RECORD_BYTES = 1024;

    private Warmup() {
    }

    /** Starts the warm-up in the background; it never touches a real secret or a socket. */
    public static void start() {
        Thread thread = new Thread(Warmup::run, "portforward-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private static void run() {
        long started = System.nanoTime();
        try {
            byte[] psk = Secret.generate().bytes();
            CipherState send = new CipherState(psk);
            CipherState receive = new CipherState(psk);
            ByteBuffer ad = ByteBuffer.allocate(Wire.LENGTH_BYTES);
            ByteBuffer head = ByteBuffer.allocate(1);
            // Direct buffers as TCP records use, heap ones as UDP datagrams do (see hop.secure.udp.Keypair).
            ByteBuffer[] bodies = {ByteBuffer.allocateDirect(Wire.SEND_MAX), ByteBuffer.allocate(Wire.SEND_MAX)};
            ByteBuffer[] seals = {ByteBuffer.allocateDirect(Wire.SEND_MAX + 1 + Wire.TAG),
                ByteBuffer.allocate(Wire.SEND_MAX + 1 + Wire.TAG)};
            ByteBuffer[] opens = {ByteBuffer.allocateDirect(Wire.SEND_MAX + 1), ByteBuffer.allocate(Wire.SEND_MAX + 1)};
            for (int i = 0; i < HANDSHAKES; i++) {
                NoiseHandshake initiator = NoiseHandshake.initiator(Wire.PROTOCOL, Wire.PROLOGUE, psk);
                NoiseHandshake responder = NoiseHandshake.responder(Wire.PROTOCOL, Wire.PROLOGUE, psk);
                responder.readMessage(initiator.writeMessage(new byte[Wire.HELLO_BYTES]));
                initiator.readMessage(responder.writeMessage(Wire.welcome()));
            }
            for (int i = 0; i < RECORDS; i++) {
                int kind = i & 1;
                int shape = (i >> 1) & 3;
                ByteBuffer body = bodies[kind];
                ByteBuffer sealed = seals[kind];
                ByteBuffer opened = opens[kind];
                body.clear().limit(shape == 0 ? Wire.SEND_MAX : shape == 1 ? RECORD_BYTES : 64);
                head.clear();
                sealed.clear();
                send.encrypt(ad, head, body, sealed);
                sealed.flip();
                opened.clear();
                receive.decrypt(ad, sealed, opened);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.fine(() -> "secure hop warm-up stopped: " + e);
            return;
        }
        LOG.fine(() -> "secure hop warm-up done in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }
}
