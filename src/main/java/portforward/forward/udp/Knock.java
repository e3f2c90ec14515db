package portforward.forward.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The knock: a datagram of one 0x00 byte that a conn side sends to open a path and keep it open.
 * It is a message between portforward instances, so a listener never forwards it as data.
 */
final class Knock {
    private Knock() {
    }

    static boolean is(ByteBuf datagram) {
        return datagram.readableBytes() == 1 && datagram.getByte(datagram.readerIndex()) == 0;
    }

    static ByteBuf create() {
        return Unpooled.wrappedBuffer(new byte[] {0});
    }
}
