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
    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(
            () -> new ByteBuffer[] {ByteBuffer.allocate(Wire.LENGTH_BYTES), ByteBuffer.allocate(1)});

    private final CipherState send;
    private final CipherState receive;

    Records(CipherState send, CipherState receive) {
        this.send = send;
        this.receive = receive;
    }

    /** A record of {@code type} carrying {@code body}, in a buffer of its own. */
    ByteBuf seal(ByteBufAllocator alloc, byte type, ByteBuffer body) throws GeneralSecurityException {
        int length = 1 + body.remaining() + Wire.TAG;
        ByteBuf out = alloc.directBuffer(Wire.LENGTH_BYTES + length);
        try {
            ByteBuffer[] scratch = SCRATCH.get();
            ByteBuffer ad = scratch[0].clear().putShort((short) length).flip();
            ByteBuffer head = scratch[1].clear().put(type).flip();
            out.writeShort(length);
            ByteBuffer target = out.nioBuffer(out.writerIndex(), length);
            send.encrypt(ad, head, body, target);
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
        ByteBuf plain = alloc.buffer(length - Wire.TAG);
        try {
            ByteBuffer out = plain.nioBuffer(0, length - Wire.TAG);
            receive.decrypt(frame.nioBuffer(frame.readerIndex(), Wire.LENGTH_BYTES),
                    frame.nioBuffer(frame.readerIndex() + Wire.LENGTH_BYTES, length), out);
            plain.writerIndex(out.position());
            return plain;
        } catch (GeneralSecurityException | RuntimeException e) {
            plain.release();
            throw e;
        }
    }
}
