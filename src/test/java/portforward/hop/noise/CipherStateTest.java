package portforward.hop.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.ShortBufferException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Transport records: tampering, truncation, replay, reordering and the end of the counter. */
@Timeout(30)
class CipherStateTest {
    private static final byte[] AD = {0, 42};
    private static final byte[] RECORD = "one record of relayed bytes".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key = new byte[32];
    {
        new SecureRandom().nextBytes(key);
    }

    @Test
    void everyFlippedBitFailsAndLeavesTheCounterWhereItWas() throws GeneralSecurityException {
        byte[] sealed = new CipherState(key).encryptWithAd(AD, RECORD);
        CipherState receiver = new CipherState(key);
        for (int i = 0; i < sealed.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = HandshakeRun.flip(i, bit).apply(sealed);
                assertThrows(AEADBadTagException.class, () -> receiver.decryptWithAd(AD, flipped), i + "/" + bit);
            }
        }
        assertEquals(0, receiver.nonce());
        assertArrayEquals(RECORD, receiver.decryptWithAd(AD, sealed));
    }

    @Test
    void aDifferentAdFails() throws GeneralSecurityException {
        byte[] sealed = new CipherState(key).encryptWithAd(AD, RECORD);
        assertThrows(AEADBadTagException.class, () -> new CipherState(key).decryptWithAd(new byte[] {0, 43}, sealed));
    }

    @Test
    void aRecordCutAtAnyLengthFails() throws GeneralSecurityException {
        byte[] sealed = new CipherState(key).encryptWithAd(AD, RECORD);
        CipherState receiver = new CipherState(key);
        for (int cut = 0; cut < sealed.length; cut++) {
            byte[] cutRecord = Arrays.copyOf(sealed, cut);
            assertThrows(AEADBadTagException.class, () -> receiver.decryptWithAd(AD, cutRecord), "cut at " + cut);
        }
        assertEquals(0, receiver.nonce());
    }

    @Test
    void aReplayedOrReorderedRecordFails() throws GeneralSecurityException {
        CipherState sender = new CipherState(key);
        byte[] first = sender.encryptWithAd(AD, RECORD);
        byte[] second = sender.encryptWithAd(AD, RECORD);
        CipherState receiver = new CipherState(key);
        assertThrows(AEADBadTagException.class, () -> receiver.decryptWithAd(AD, second), "second before first");
        receiver.decryptWithAd(AD, first);
        assertThrows(AEADBadTagException.class, () -> receiver.decryptWithAd(AD, first), "first replayed");
        receiver.decryptWithAd(AD, second);
        assertEquals(2, receiver.nonce());
    }

    @Test
    void theLastCounterIsUsedOnceThenTheStateRefuses() throws GeneralSecurityException {
        CipherState sender = new CipherState(key, -2L); // 2^64-2, the last usable counter
        CipherState receiver = new CipherState(key, -2L);
        byte[] last = sender.encryptWithAd(AD, RECORD);
        assertEquals(-1L, sender.nonce());
        assertThrows(NonceExhaustedException.class, () -> sender.encryptWithAd(AD, RECORD));
        assertThrows(NonceExhaustedException.class, () -> sender.encrypt(null,
                ByteBuffer.wrap(RECORD), ByteBuffer.allocate(0), ByteBuffer.allocate(100)));
        assertArrayEquals(RECORD, receiver.decryptWithAd(AD, last));
        assertThrows(NonceExhaustedException.class, () -> receiver.decryptWithAd(AD, last));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void buffersSealTheSameBytesAsArrays(boolean direct) throws GeneralSecurityException {
        byte[] head = {7, 0, 0, 0, 5};
        byte[] whole = new byte[head.length + RECORD.length];
        System.arraycopy(head, 0, whole, 0, head.length);
        System.arraycopy(RECORD, 0, whole, head.length, RECORD.length);
        byte[] expected = new CipherState(key).encryptWithAd(AD, whole);

        ByteBuffer ad = buffer(direct, AD);
        ByteBuffer out = direct ? ByteBuffer.allocateDirect(100) : ByteBuffer.allocate(100);
        new CipherState(key).encrypt(ad, buffer(direct, head), buffer(direct, RECORD), out);
        assertEquals(AD.length, ad.remaining(), "ad is left for the caller");
        assertArrayEquals(expected, bytes(out.flip()));

        ByteBuffer plain = direct ? ByteBuffer.allocateDirect(100) : ByteBuffer.allocate(100);
        CipherState receiver = new CipherState(key);
        receiver.decrypt(ad, buffer(direct, expected), plain);
        assertArrayEquals(whole, bytes(plain.flip()));
        assertEquals(1, receiver.nonce());
    }

    @Test
    void noAdIsTheEmptyAd() throws GeneralSecurityException {
        ByteBuffer out = ByteBuffer.allocate(100);
        new CipherState(key).encrypt(null, ByteBuffer.wrap(RECORD), ByteBuffer.allocate(0), out);
        assertArrayEquals(RECORD, new CipherState(key).decryptWithAd(new byte[0], bytes(out.flip())));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aBadTagLeavesBuffersAndCounterAsTheyWere(boolean direct) throws GeneralSecurityException {
        byte[] sealed = new CipherState(key).encryptWithAd(AD, RECORD);
        sealed[3] ^= 1;
        ByteBuffer in = buffer(direct, sealed);
        ByteBuffer out = direct ? ByteBuffer.allocateDirect(100) : ByteBuffer.allocate(100);
        CipherState receiver = new CipherState(key);
        assertThrows(AEADBadTagException.class, () -> receiver.decrypt(ByteBuffer.wrap(AD), in, out));
        assertEquals(0, in.position());
        assertEquals(0, out.position());
        assertArrayEquals(new byte[100], bytes(out.limit(100)), "no plaintext is left behind");
        assertEquals(0, receiver.nonce());
    }

    @Test
    void tooSmallAnOutputIsRefusedBeforeTheCounterMoves() {
        CipherState state = new CipherState(key);
        ByteBuffer small = ByteBuffer.allocate(RECORD.length + CipherState.TAG_LENGTH - 1);
        assertThrows(ShortBufferException.class,
                () -> state.encrypt(null, ByteBuffer.wrap(RECORD), ByteBuffer.allocate(0), small));
        assertEquals(0, state.nonce());
    }

    private static ByteBuffer buffer(boolean direct, byte[] bytes) {
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(bytes.length);
        return buffer.put(bytes).flip();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
