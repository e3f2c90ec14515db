package portforward.hop.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction's AESGCM key and counter (Noise section 5.1). Not thread-safe: each direction
 * belongs to one event loop.
 */
public final class CipherState {
    static final int KEY_LENGTH = 32;
    public static final int TAG_LENGTH = 16;
    /** 2^64-1 as an unsigned long: reserved by Noise, never used as a nonce. */
    private static final long RESERVED = -1L;

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] iv = new byte[12];
    private long n;

    public CipherState(byte[] key32) {
        this(key32, 0);
    }

    /** Test hook: start the counter somewhere else than zero. */
    CipherState(byte[] key32, long nonce) {
        if (key32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a Noise key is 32 bytes, got " + key32.length);
        }
        this.key = new SecretKeySpec(key32, "AES");
        this.cipher = aesGcm();
        this.n = nonce;
    }

    /** The counter the next message will use, as an unsigned value. */
    public long nonce() {
        return n;
    }

    /**
     * Noise section 5.1's SetNonce: a datagram carries its counter, so the receiver decrypts each
     * one at the counter it names (its replay window, not this, keeps a counter from being taken twice).
     */
    public void setNonce(long nonce) {
        n = nonce;
    }

    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws GeneralSecurityException {
        start(Cipher.ENCRYPT_MODE, ad == null ? null : ByteBuffer.wrap(ad));
        return cipher.doFinal(plaintext);
    }

    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws GeneralSecurityException {
        if (ciphertext.length < TAG_LENGTH) {
            throw new AEADBadTagException("ciphertext shorter than the tag");
        }
        ByteBuffer out = ByteBuffer.allocate(ciphertext.length - TAG_LENGTH);
        decrypt(ad == null ? null : ByteBuffer.wrap(ad), ByteBuffer.wrap(ciphertext), out);
        return out.array();
    }

    /**
     * Encrypts head then body as one AEAD message and appends ciphertext and tag to out. The
     * nonce is spent once the cipher is keyed, even if writing fails later, so it is never reused.
     */
    public void encrypt(ByteBuffer ad, ByteBuffer head, ByteBuffer body, ByteBuffer out)
            throws GeneralSecurityException {
        int needed = head.remaining() + body.remaining() + TAG_LENGTH;
        if (out.remaining() < needed) {
            throw new ShortBufferException("need " + needed + " bytes, have " + out.remaining());
        }
        start(Cipher.ENCRYPT_MODE, ad);
        cipher.update(head, out);
        cipher.doFinal(body, out);
    }

    /**
     * Decrypts in (ciphertext and tag) into out. On failure in and out keep their positions, the
     * bytes written to out are zeroed and the counter stays where it was.
     */
    public void decrypt(ByteBuffer ad, ByteBuffer in, ByteBuffer out) throws GeneralSecurityException {
        int length = in.remaining() - TAG_LENGTH;
        if (length < 0) {
            throw new AEADBadTagException("ciphertext shorter than the tag");
        }
        if (out.remaining() < length) {
            throw new ShortBufferException("need " + length + " bytes, have " + out.remaining());
        }
        int inStart = in.position();
        int outStart = out.position();
        try {
            keyed(Cipher.DECRYPT_MODE, ad);
            cipher.doFinal(in, out);
        } catch (GeneralSecurityException | RuntimeException e) {
            in.position(inStart);
            for (int i = outStart; i < out.position(); i++) {
                out.put(i, (byte) 0);
            }
            out.position(outStart);
            throw e;
        }
        n++;
    }

    /** Keys the cipher for the current counter and spends the counter. */
    private void start(int mode, ByteBuffer ad) throws GeneralSecurityException {
        keyed(mode, ad);
        n++;
    }

    private void keyed(int mode, ByteBuffer ad) throws GeneralSecurityException {
        if (n == RESERVED) {
            throw new NonceExhaustedException();
        }
        for (int i = 0; i < 8; i++) {
            iv[4 + i] = (byte) (n >>> (56 - 8 * i));
        }
        cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, iv));
        if (ad != null) {
            cipher.updateAAD(ad.duplicate()); // the caller's ad keeps its position
        }
    }

    private static Cipher aesGcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("this JDK has no AES/GCM/NoPadding", e);
        }
    }
}
