package portforward.hop.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import portforward.hop.noise.CipherState;
import portforward.support.LeakCheck;

/**
 * Records sealed on the heap (Java 25 and later) and in direct buffers (17) are the same bytes
 * on the wire, and each side opens the other's, from direct or heap input. The suite's end-to-end
 * tests run whichever path the runtime picks; this covers both on any runtime.
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class RecordBuffersTest {
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final byte[] KEY = new byte[32];

    private static Records records(boolean onHeap) {
        return new Records(new CipherState(KEY), new CipherState(KEY), onHeap);
    }

    private static ByteBuffer body(int length, boolean direct) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        ByteBuffer body = direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
        return body.put(bytes).flip();
    }

    @Test
    void theRuntimeDecidesOnceJava25AndLaterOnTheHeap() {
        assertEquals(Runtime.version().feature() >= 25, Records.ON_HEAP);
    }

    @ParameterizedTest
    @CsvSource({"true,false,true", "true,true,false", "false,true,true", "false,false,false"})
    void eitherPathOpensTheOthersRecords(boolean sealOnHeap, boolean openOnHeap, boolean directBody)
            throws Exception {
        for (int length : new int[] {0, 1, 4096, Wire.SEND_MAX}) {
            ByteBuffer body = body(length, directBody);
            byte[] expected = new byte[length];
            body.duplicate().get(expected);
            ByteBuf record = records(sealOnHeap).seal(ALLOC, Wire.DATA, body);
            ByteBuf plain = null;
            try {
                assertEquals(!sealOnHeap, record.isDirect());
                ByteBuf sameOnTheWire = records(!sealOnHeap).seal(ALLOC, Wire.DATA, body(length, !directBody));
                try {
                    assertEquals(record, sameOnTheWire, "the two paths sealed different bytes");
                } finally {
                    sameOnTheWire.release();
                }
                plain = records(openOnHeap).open(ALLOC, record);
                assertEquals(Wire.DATA, plain.readByte());
                byte[] got = new byte[plain.readableBytes()];
                plain.readBytes(got);
                assertArrayEquals(expected, got);
            } finally {
                record.release();
                if (plain != null) {
                    plain.release();
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"true", "false"})
    void everyFlippedByteAndEveryTruncationFailsOnBothPaths(boolean onHeap) throws Exception {
        ByteBuf record = records(!onHeap).seal(ALLOC, Wire.DATA, body(64, true));
        try {
            for (int i = 0; i < record.readableBytes(); i++) {
                ByteBuf bad = ALLOC.directBuffer().writeBytes(record, record.readerIndex(), record.readableBytes());
                bad.setByte(i, bad.getByte(i) ^ 0x01);
                assertOpenFails(onHeap, bad);
            }
            for (int cut = 0; cut < record.readableBytes(); cut++) {
                assertOpenFails(onHeap, ALLOC.heapBuffer().writeBytes(record, record.readerIndex(), cut));
            }
        } finally {
            record.release();
        }
    }

    private static void assertOpenFails(boolean onHeap, ByteBuf bad) {
        try {
            assertThrows(GeneralSecurityException.class, () -> records(onHeap).open(ALLOC, bad));
        } finally {
            bad.release();
        }
    }
}
