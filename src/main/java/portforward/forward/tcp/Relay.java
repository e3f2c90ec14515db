package portforward.forward.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * One direction of a link: what this channel reads is written to the peer. When the peer's
 * outbound buffer passes its high watermark, this side stops reading until the peer drains,
 * so a link holds at most a watermark's worth of bytes whatever the traffic.
 */
final class Relay extends Direction {
    private final boolean fromA;

    Relay(Link link, Channel peer, boolean fromA) {
        super(link, peer);
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
}
