package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * What both ways of relaying one direction of a link share: errors and closes go to the link, and
 * when this channel can take bytes again, the direction that writes into it is told.
 */
abstract class Direction extends ChannelDuplexHandler {
    final Link link;
    final Channel peer;
    ChannelHandlerContext ctx;

    Direction(Link link, Channel peer) {
        this.link = link;
        this.peer = peer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The peer can take bytes again: go on moving them. */
    abstract void peerWritable();

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            Direction into = peer.pipeline().get(Direction.class);
            if (into != null) {
                into.peerWritable();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
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
