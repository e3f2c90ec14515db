package portforward.forward.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * One direction of a link: what this channel reads is written to the peer. When the peer's
 * outbound buffer passes its high watermark, this side stops reading until the peer drains,
 * so a link holds at most a watermark's worth of bytes whatever the traffic.
 */
final class Relay extends ChannelInboundHandlerAdapter {
    private final Link link;
    private final Channel peer;
    private final boolean fromA;

    Relay(Link link, Channel peer, boolean fromA) {
        this.link = link;
        this.peer = peer;
        this.fromA = fromA;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        link.count(fromA, ((ByteBuf) msg).readableBytes());
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            // Pause first: the flush may drain the peer at once and fire "writable again" inside it.
            ctx.channel().config().setAutoRead(false);
            peer.flush();
            if (peer.isWritable()) {
                Link.resume(ctx.channel());
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            Link.resume(peer);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            link.inputShutdown(ctx.channel());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        link.failed(ctx.channel(), cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        link.inactive(ctx.channel());
        ctx.fireChannelInactive();
    }
}
