package portforward.hop.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Noise section 5.2: the chaining key, the handshake hash and the handshake's cipher. */
final class SymmetricState {
    static final int HASH_LENGTH = 32;

    private final MessageDigest sha256;
    private final Mac hmac;
    private byte[] ck;
    private byte[] h;
    /** Empty until the first MixKey: until then payloads travel in the clear, as Noise says. */
    private Optional<CipherState> cipher = Optional.empty();

    SymmetricState(String protocolName) throws GeneralSecurityException {
        sha256 = MessageDigest.getInstance("SHA-256");
        hmac = Mac.getInstance("HmacSHA256");
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        h = name.length <= HASH_LENGTH ? Arrays.copyOf(name, HASH_LENGTH) : sha256.digest(name);
        ck = h.clone();
    }

    void mixKey(byte[] ikm) throws GeneralSecurityException {
        byte[][] out = hkdf(ikm, 2);
        ck = out[0];
        cipher = Optional.of(new CipherState(out[1]));
    }

    void mixHash(byte[] data) {
        sha256.update(h);
        h = sha256.digest(data);
    }

    void mixKeyAndHash(byte[] ikm) throws GeneralSecurityException {
        byte[][] out = hkdf(ikm, 3);
        ck = out[0];
        mixHash(out[1]);
        cipher = Optional.of(new CipherState(out[2]));
    }

    byte[] encryptAndHash(byte[] plaintext) throws GeneralSecurityException {
        byte[] ciphertext = cipher.isPresent() ? cipher.get().encryptWithAd(h, plaintext) : plaintext.clone();
        mixHash(ciphertext);
        return ciphertext;
    }

    byte[] decryptAndHash(byte[] ciphertext) throws GeneralSecurityException {
        byte[] plaintext = cipher.isPresent() ? cipher.get().decryptWithAd(h, ciphertext) : ciphertext.clone();
        mixHash(ciphertext);
        return plaintext;
    }

    byte[] handshakeHash() {
        return h.clone();
    }

    CipherState[] split() throws GeneralSecurityException {
        byte[][] out = hkdf(new byte[0], 2);
        return new CipherState[] {new CipherState(out[0]), new CipherState(out[1])};
    }

    /** Noise section 4.3: HKDF with HMAC-SHA256, the chaining key as salt, 2 or 3 outputs. */
    private byte[][] hkdf(byte[] ikm, int outputs) throws GeneralSecurityException {
        hmac.init(new SecretKeySpec(ck, "HmacSHA256"));
        SecretKeySpec tempKey = new SecretKeySpec(hmac.doFinal(ikm), "HmacSHA256");
        byte[][] out = new byte[outputs][];
        byte[] previous = new byte[0];
        for (int i = 0; i < outputs; i++) {
            hmac.init(tempKey);
            hmac.update(previous);
            hmac.update((byte) (i + 1));
            out[i] = previous = hmac.doFinal();
        }
        return out;
    }
}
