package portforward.hop.noise;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/** Noise's DH functions over the JDK's X25519, with keys as raw 32-byte little-endian strings. */
final class X25519 {
    static final int LENGTH = 32;
    private static final byte[] BASE_POINT = new byte[LENGTH];

    static {
        BASE_POINT[0] = 9;
    }

    /** A key pair with its public key already encoded, since every use of it needs the bytes. */
    record Ephemeral(PrivateKey privateKey, byte[] publicKey) {}

    private X25519() {}

    static Ephemeral generate() throws GeneralSecurityException {
        KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        return new Ephemeral(pair.getPrivate(), encode(((XECPublicKey) pair.getPublic()).getU()));
    }

    /** A fixed private scalar (test vectors); its public key is the DH with the base point. */
    static Ephemeral fromPrivate(byte[] scalar32) throws GeneralSecurityException {
        if (scalar32.length != LENGTH) {
            throw new IllegalArgumentException("an X25519 private key is 32 bytes, got " + scalar32.length);
        }
        PrivateKey key = KeyFactory.getInstance("X25519")
                .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar32.clone()));
        return new Ephemeral(key, dh(key, BASE_POINT));
    }

    /** Fails with a GeneralSecurityException (never a runtime one) on a small-order point. */
    static byte[] dh(PrivateKey own, byte[] remotePublic) throws GeneralSecurityException {
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(own);
        agreement.doPhase(decode(remotePublic), true);
        return agreement.generateSecret();
    }

    private static PublicKey decode(byte[] littleEndian) throws GeneralSecurityException {
        byte[] bigEndian = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            bigEndian[i] = littleEndian[LENGTH - 1 - i];
        }
        bigEndian[0] &= 0x7f; // RFC 7748: the top bit of the u-coordinate is ignored
        BigInteger u = new BigInteger(1, bigEndian);
        return KeyFactory.getInstance("X25519").generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u));
    }

    private static byte[] encode(BigInteger u) {
        byte[] bigEndian = u.toByteArray(); // may carry a sign byte or be shorter than 32
        byte[] out = new byte[LENGTH];
        for (int i = 0; i < LENGTH && i < bigEndian.length; i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }
}
