package portforward.forward.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import portforward.transport.Copies;

/**
 * Moves each received datagram out of the receive buffer into a buffer of its own size. A read
 * needs room for the largest datagram (64 KiB), while a socket's write watermark counts only the
 * bytes a datagram carries: kept as received, every datagram queued behind a slow socket would pin
 * a whole receive buffer, and one stuck session could hold tens of MiB. Copying a datagram costs
 * far less than the system calls that carry it, and hands the receive buffer back for the next read.
 */
final class RightSized extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        ByteBuf own;
        try {
            ByteBuf received = packet.content();
            int n = received.readableBytes();
            own = ctx.alloc().directBuffer(n, n);
            Copies.appendReadable(received, own); // a plain memory copy; see there
        } finally {
            packet.release();
        }
        ctx.fireChannelRead(packet.replace(own));
    }
}
