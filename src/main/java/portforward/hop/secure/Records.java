package portforward.hop.secure;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import portforward.hop.noise.CipherState;

/**
 * Seals and opens the records of one secure hop: {@code u16 length | AES-GCM(type | body)}, the
 * length bytes authenticated as additional data, each direction with its own key and counter.
 * Confined to the channel's event loop.
 */
final class Records {
    /**
     * Java 25's AES-GCM is about 3x faster than 17's on heap arrays and slower than 17's when either
     * side is a direct buffer; on 17 heap records gained nothing (src/docs/performance.md). So on
     * 25 and later records are sealed and opened on the heap, copying direct input there first.
     */
    static final boolean ON_HEAP = Runtime.version().feature() >= 25;

    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(
            () -> new ByteBuffer[] {ByteBuffer.allocate(Wire.LENGTH_BYTES), ByteBuffer.allocate(1), null});

    private final CipherState send;
    private final CipherState receive;
    private final boolean onHeap;

    Records(CipherState send, CipherState receive) {
        this(send, receive, ON_HEAP);
    }

    /** Test hook: either kind of buffer on any runtime. */
    Records(CipherState send, CipherState receive, boolean onHeap) {
        this.send = send;
        this.receive = receive;
        this.onHeap = onHeap;
    }

    /** in itself, or (on the heap path) a copy of it in this thread's heap buffer. */
    private ByteBuffer heapInput(ByteBuffer[] scratch, ByteBuffer in) {
        if (!onHeap || !in.isDirect()) {
            return in;
        }
        if (scratch[2] == null) {
            scratch[2] = ByteBuffer.allocate(Wire.FRAME_MAX); // no record, in or out, is longer
        }
        return scratch[2].clear().put(in).flip();
    }

    /** A record of {@code type} carrying {@code body}, in a buffer of its own. */
    ByteBuf seal(ByteBufAllocator alloc, byte type, ByteBuffer body) throws GeneralSecurityException {
        int length = 1 + body.remaining() + Wire.TAG;
        int size = Wire.LENGTH_BYTES + length;
        ByteBuf out = onHeap ? alloc.heapBuffer(size) : alloc.directBuffer(size);
        try {
            ByteBuffer[] scratch = SCRATCH.get();
            ByteBuffer ad = scratch[0].clear().putShort((short) length).flip();
            ByteBuffer head = scratch[1].clear().put(type).flip();
            out.writeShort(length);
            ByteBuffer target = out.nioBuffer(out.writerIndex(), length);
            send.encrypt(ad, head, heapInput(scratch, body), target);
            out.writerIndex(out.writerIndex() + length);
            return out;
        } catch (GeneralSecurityException | RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * The plaintext of {@code frame} (length bytes first): its type byte, then its body. Anything
     * that does not authenticate, or is too short to, is an exception and nothing else.
     */
    ByteBuf open(ByteBufAllocator alloc, ByteBuf frame) throws GeneralSecurityException {
        int length = frame.readableBytes() - Wire.LENGTH_BYTES;
        if (length < 1 + Wire.TAG) {
            throw new GeneralSecurityException("record too short");
        }
        ByteBuf plain = onHeap ? alloc.heapBuffer(length - Wire.TAG) : alloc.buffer(length - Wire.TAG);
        try {
            ByteBuffer out = plain.nioBuffer(0, length - Wire.TAG);
            ByteBuffer in = frame.nioBuffer(frame.readerIndex() + Wire.LENGTH_BYTES, length);
            in = heapInput(SCRATCH.get(), in);
            receive.decrypt(frame.nioBuffer(frame.readerIndex(), Wire.LENGTH_BYTES), in, out);
            plain.writerIndex(out.position());
            return plain;
        } catch (GeneralSecurityException | RuntimeException e) {
            plain.release();
            throw e;
        }
    }
}
