package portforward.forward.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import portforward.transport.Splice;

/**
 * One direction of a link whose two sockets the kernel joins with splice(2): the bytes never
 * enter the JVM, and reading pauses while the peer cannot take more (Netty does this inside the
 * splice). The FIN needs care, because a splice cannot tell the end of the stream from a pause:
 * once the FIN has arrived, splicing stops, what the socket still holds is read and written here
 * as buffers, at the pace the peer takes them, and only then is the FIN carried over.
 */
final class SpliceRelay extends Direction {
    private static final int CHUNK = 64 * 1024;

    /**
     * Reading was paused for the copied bytes still queued for the peer. Netty's splice pauses and
     * resumes reading only for its own pipe, so that first pause is ended here.
     */
    private boolean pausedForCopies;
    private boolean finSeen;
    private boolean drained;
    private boolean draining;
    private boolean drainAgain;

    SpliceRelay(Link link, Channel peer, boolean pausedForCopies) {
        super(link, peer);
        this.pausedForCopies = pausedForCopies;
    }

    /** Starts the splice: from the next read on, the kernel moves this direction's bytes. */
    void start() {
        Channel channel = ctx.channel();
        Splice.start(channel, peer).addListener((ChannelFutureListener) f -> {
            // A closed channel fails the splice too; channelInactive says how it closed.
            if (!f.isSuccess() && !(f.cause() instanceof ClosedChannelException)) {
                link.failed(channel, f.cause());
            }
        });
    }

    /** A read already under way when the splice took over: forwarded like the copying relay does. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        peer.write(msg, peer.voidPromise());
    }

    /** After the FIN, nothing may start a read: a splice at end of stream would spin. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!finSeen) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !finSeen) {
            finSeen = true;
            ctx.channel().config().setAutoRead(false);
            drain();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    void peerWritable() {
        if (pausedForCopies && !finSeen) {
            pausedForCopies = false;
            Link.resume(ctx.channel());
        }
        drain();
    }

    /**
     * Moves what followed the last splice up to the FIN, while the peer is writable; then carries
     * the FIN. Not reentrant: a flush that frees the peer asks for another round instead.
     */
    private void drain() {
        if (!finSeen || drained) {
            return;
        }
        if (draining) {
            drainAgain = true;
            return;
        }
        draining = true;
        Channel channel = ctx.channel();
        try {
            do {
                drainAgain = false;
                while (!drained && peer.isWritable() && peer.isActive()) {
                    ByteBuf buf = ctx.alloc().directBuffer(CHUNK);
                    if (read(channel, buf) < 0) {
                        buf.release();
                        drained = true;
                    } else {
                        peer.write(buf, peer.voidPromise());
                    }
                }
                peer.flush();
            } while (drainAgain && !drained);
        } catch (IOException e) {
            link.failed(channel, e);
            return;
        } finally {
            draining = false;
        }
        if (drained) {
            link.inputShutdown(channel);
        }
    }

    private static int read(Channel channel, ByteBuf buf) throws IOException {
        try {
            return Splice.readRest(channel, buf);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }
}
