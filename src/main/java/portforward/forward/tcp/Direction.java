package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/** What both ways of relaying one direction of a link share: errors and closes go to the link. */
abstract class Direction extends ChannelDuplexHandler {
    final Link link;
    final Channel peer;

    Direction(Link link, Channel peer) {
        this.link = link;
        this.peer = peer;
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
