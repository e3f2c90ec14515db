package portforward.forward.udp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * Defers a datagram socket's flushes to the end of the event loop's wake-up, so the datagrams one
 * read burst brought leave together (one sendmmsg on epoll) instead of one system call each.
 * The write watermark still bounds what waits; nothing waits past the current wake-up.
 */
final class BatchedFlush extends ChannelOutboundHandlerAdapter {
    private boolean scheduled;

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (scheduled) {
            return;
        }
        scheduled = true;
        ctx.channel().eventLoop().execute(() -> {
            scheduled = false;
            ctx.flush();
        });
    }
}
