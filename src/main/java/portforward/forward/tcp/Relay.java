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
    /**
     * A direction that has carried this much switches to splicing where the link can, at its next
     * {@link #BULK_READ bulk read}: bulk gets zero copy, while the many short exchanges never pay
     * for two pipes (four descriptors and a queue) per link.
     */
    static final long SPLICE_AFTER = 256 * 1024;
    /**
     * A read this large means the sender had more queued than a request, a reply or a keystroke.
     * Smaller messages keep being copied however much a link has carried: a splice moves each one
     * with three system calls (into the pipe, out of it, and the one that finds the socket empty)
     * where a copy takes a read and a write, so an interactive link that had switched took about
     * 3.5 µs more per round trip.
     */
    static final int BULK_READ = 16 * 1024;

    private final boolean fromA;
    private long carried;

    Relay(Link link, Channel peer, boolean fromA) {
        super(link, peer);
        this.fromA = fromA;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        int bytes = ((ByteBuf) msg).readableBytes();
        link.count(fromA, bytes);
        carried += bytes;
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            // Pause first: the flush may drain the peer at once and fire "writable again" inside it.
            ctx.channel().config().setAutoRead(false);
            peer.flush();
            if (peer.isWritable()) {
                Link.resume(ctx.channel());
            }
        }
        // Also while paused: a bulk sender fills the peer past its watermark with nearly every read.
        if (carried >= SPLICE_AFTER && bytes >= BULK_READ && link.spliceable()) {
            link.splice(ctx, fromA, !ctx.channel().config().isAutoRead());
        }
    }

    @Override
    void peerWritable() {
        Link.resume(ctx.channel());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            link.inputShutdown(ctx.channel());
        }
        ctx.fireUserEventTriggered(evt);
    }
}
