package portforward.hop.noise;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Noise section 5.3 for the two patterns the hop uses: NN ({@code -> e; <- e, ee}) and NNpsk0
 * ({@code -> psk, e; <- e, ee}). One object per handshake; after any failure it refuses to go on,
 * so a caller can never carry on from a half-mixed state.
 */
public final class NoiseHandshake {
    public static final String NN = "Noise_NN_25519_AESGCM_SHA256";
    public static final String NN_PSK0 = "Noise_NNpsk0_25519_AESGCM_SHA256";
    /** Noise section 3: no message is longer, handshake or transport. */
    public static final int MAX_MESSAGE = 65535;

    private enum Token { E, EE, PSK }

    private static final List<List<Token>> NN_MESSAGES = List.of(List.of(Token.E), List.of(Token.E, Token.EE));
    private static final List<List<Token>> NN_PSK0_MESSAGES =
            List.of(List.of(Token.PSK, Token.E), List.of(Token.E, Token.EE));

    private final boolean initiator;
    private final List<List<Token>> messages;
    private final Optional<byte[]> psk;
    private final SymmetricState symmetric;
    private Optional<X25519.Ephemeral> e = Optional.empty();
    private Optional<byte[]> re = Optional.empty();
    private int next;
    private boolean failed;
    private boolean split;

    private NoiseHandshake(boolean initiator, String protocolName, byte[] prologue, byte[] psk) {
        Objects.requireNonNull(prologue, "prologue");
        this.initiator = initiator;
        if (NN.equals(protocolName)) {
            if (psk != null) {
                throw new IllegalArgumentException(NN + " takes no psk");
            }
            this.messages = NN_MESSAGES;
            this.psk = Optional.empty();
        } else if (NN_PSK0.equals(protocolName)) {
            if (psk == null || psk.length != 32) {
                throw new IllegalArgumentException(NN_PSK0 + " needs a 32-byte psk");
            }
            this.messages = NN_PSK0_MESSAGES;
            this.psk = Optional.of(psk.clone());
        } else {
            throw new IllegalArgumentException("unsupported Noise protocol " + protocolName
                    + "; supported are " + NN + " and " + NN_PSK0);
        }
        try {
            symmetric = new SymmetricState(protocolName);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("this JDK lacks SHA-256 or HmacSHA256", ex);
        }
        symmetric.mixHash(prologue);
    }

    /** {@link #NN_PSK0} or {@link #NN}; psk is null for NN, 32 bytes for NNpsk0. */
    public static NoiseHandshake initiator(String protocolName, byte[] prologue, byte[] psk) {
        return new NoiseHandshake(true, protocolName, prologue, psk);
    }

    public static NoiseHandshake responder(String protocolName, byte[] prologue, byte[] psk) {
        return new NoiseHandshake(false, protocolName, prologue, psk);
    }

    /** For test vectors: a fixed 32-byte ephemeral private key instead of a random one. */
    public NoiseHandshake withEphemeral(byte[] privateKey32) {
        if (e.isPresent()) {
            throw new IllegalStateException("the ephemeral key is already chosen");
        }
        try {
            e = Optional.of(X25519.fromPrivate(privateKey32));
        } catch (GeneralSecurityException ex) {
            throw new IllegalArgumentException("not a usable X25519 private key", ex);
        }
        return this;
    }

    public byte[] writeMessage(byte[] payload) throws GeneralSecurityException {
        if (failed) {
            throw new GeneralSecurityException("the handshake failed earlier");
        }
        if (!myTurnToWrite()) {
            throw new IllegalStateException("not this side's turn to write (message " + next + ")");
        }
        int longest = X25519.LENGTH + payload.length + CipherState.TAG_LENGTH;
        if (longest > MAX_MESSAGE) {
            throw new IllegalArgumentException("a payload of " + payload.length + " bytes makes the message too long");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(longest);
        try {
            for (Token token : messages.get(next)) {
                if (token == Token.E) {
                    if (e.isEmpty()) {
                        e = Optional.of(X25519.generate());
                    }
                    out.writeBytes(e.get().publicKey());
                    mixEphemeral(e.get().publicKey());
                } else {
                    mix(token);
                }
            }
            out.writeBytes(symmetric.encryptAndHash(payload));
        } catch (GeneralSecurityException | RuntimeException ex) {
            failed = true;
            throw ex;
        }
        next++;
        return out.toByteArray();
    }

    /** Returns the payload; any bad input is a GeneralSecurityException and ends the handshake. */
    public byte[] readMessage(byte[] message) throws GeneralSecurityException {
        if (failed) {
            throw new GeneralSecurityException("the handshake failed earlier");
        }
        try {
            if (next >= messages.size() || myTurnToWrite()) {
                throw new GeneralSecurityException("not expecting handshake message " + next + " now");
            }
            if (message.length > MAX_MESSAGE) {
                throw new GeneralSecurityException("handshake message of " + message.length + " bytes is too long");
            }
            int offset = 0;
            for (Token token : messages.get(next)) {
                if (token == Token.E) {
                    if (message.length - offset < X25519.LENGTH) {
                        throw new GeneralSecurityException("handshake message of " + message.length
                                + " bytes is too short for an ephemeral key");
                    }
                    re = Optional.of(Arrays.copyOfRange(message, offset, offset + X25519.LENGTH));
                    offset += X25519.LENGTH;
                    mixEphemeral(re.get());
                } else {
                    mix(token);
                }
            }
            byte[] payload = symmetric.decryptAndHash(Arrays.copyOfRange(message, offset, message.length));
            next++;
            return payload;
        } catch (GeneralSecurityException ex) {
            failed = true;
            throw ex;
        } catch (RuntimeException ex) {
            failed = true;
            throw new GeneralSecurityException("malformed handshake message", ex);
        }
    }

    public boolean isComplete() {
        return !failed && next == messages.size();
    }

    public byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    /** After completion, once: [0] = initiator to responder, [1] = responder to initiator. */
    public CipherState[] split() {
        if (!isComplete() || split) {
            throw new IllegalStateException(split ? "already split" : "the handshake is not complete");
        }
        split = true;
        try {
            return symmetric.split();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 failed", ex);
        }
    }

    /** The remote ephemeral public key once read (32 bytes), e.g. for a replay cache. */
    public byte[] remoteEphemeral() {
        return re.orElseThrow(() -> new IllegalStateException("no remote ephemeral key read yet")).clone();
    }

    private boolean myTurnToWrite() {
        return next < messages.size() && (next % 2 == 0) == initiator;
    }

    /** Noise section 9.2: with a psk, "e" is also mixed into the key so the payload after it is bound to e. */
    private void mixEphemeral(byte[] publicKey) throws GeneralSecurityException {
        symmetric.mixHash(publicKey);
        if (psk.isPresent()) {
            symmetric.mixKey(publicKey);
        }
    }

    /** The tokens that mix a secret in; "e" is read and written by the callers. */
    private void mix(Token token) throws GeneralSecurityException {
        switch (token) {
            case EE -> symmetric.mixKey(X25519.dh(e.orElseThrow().privateKey(), re.orElseThrow()));
            case PSK -> symmetric.mixKeyAndHash(psk.orElseThrow());
            case E -> throw new AssertionError("e carries bytes; the message loop handles it");
        }
    }
}
