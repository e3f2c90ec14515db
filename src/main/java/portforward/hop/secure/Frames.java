package portforward.hop.secure;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteOrder;

/**
 * Cuts the byte stream into {@code u16 length | body} frames, length bytes kept (they are the
 * records' additional data). Until the handshake is done a frame may hold only
 * {@link Wire#HANDSHAKE_MAX} bytes, and a longer length is refused as soon as it is read, so a
 * stranger never makes the relay buffer more than that.
 */
final class Frames extends LengthFieldBasedFrameDecoder {
    private int limit = Wire.HANDSHAKE_MAX;

    Frames() {
        super(Wire.LENGTH_BYTES + Wire.FRAME_MAX, 0, Wire.LENGTH_BYTES, 0, 0);
        // A read's buffer joins the unread rest without a copy into one ever larger buffer.
        setCumulator(COMPOSITE_CUMULATOR);
    }

    /** The handshake is over: records may use the whole frame. */
    void handshakeDone() {
        limit = Wire.FRAME_MAX;
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        long body = super.getUnadjustedFrameLength(buf, offset, length, order);
        if (body > limit) {
            throw new TooLongFrameException("frame of " + body + " bytes where at most " + limit + " may come");
        }
        return body;
    }
}
