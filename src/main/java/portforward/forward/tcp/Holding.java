package portforward.forward.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.ArrayList;
import java.util.List;
import portforward.forward.Show;

/**
 * Keeps a connection read while it is not yet joined (dialling its target, or waiting for a
 * partner): bytes are held for the link, up to {@link #LIMIT}, and a FIN is remembered. Reading
 * on (rather than pausing) is what lets a client that goes away be noticed, and what keeps bytes
 * that arrive with an early FIN from being lost.
 */
class Holding extends ChannelInboundHandlerAdapter {
    static final int LIMIT = 64 * 1024;

    private final List<ByteBuf> held = new ArrayList<>();
    private int heldBytes;
    private boolean inputShut;
    private boolean released;

    /** What was held, handed over to a link; the link releases the buffers. */
    record Held(List<ByteBuf> buffers, boolean inputShut) {
        static final Held NOTHING = new Held(List.of(), false);

        void release() {
            buffers.forEach(ByteBuf::release);
        }
    }

    /**
     * Stops holding and leaves the pipeline. The caller joins the link at once, on this event loop,
     * so reading goes on as it was (turning it off and on again would cost two epoll_ctl calls per
     * link); only after a FIN does it stop, as there is nothing more to read.
     */
    final Held release(ChannelHandlerContext ctx) {
        released = true;
        if (inputShut) {
            ctx.channel().config().setAutoRead(false);
        }
        ctx.pipeline().remove(this);
        return new Held(List.copyOf(held), inputShut);
    }

    /**
     * Hands what was held so far to a layer that reads it before the link does (the SOCKS handshake);
     * holding goes on, for what comes after.
     */
    final List<ByteBuf> takeHeld(ChannelHandlerContext ctx) {
        List<ByteBuf> taken = List.copyOf(held);
        held.clear();
        if (heldBytes >= LIMIT && !inputShut) {
            ctx.channel().config().setAutoRead(true);
        }
        heldBytes = 0;
        return taken;
    }

    final boolean holdsBytes() {
        return heldBytes > 0;
    }

    /** The client went away before the join; {@code why} is "closed" or "error: cause". Called at most once. */
    void gone(ChannelHandlerContext ctx, String why) {
    }

    /** The client sent FIN before the join. */
    void finReceived(ChannelHandlerContext ctx) {
    }

    private void discard(ChannelHandlerContext ctx, String why) {
        if (released) {
            return;
        }
        released = true;
        held.forEach(ByteBuf::release);
        held.clear();
        gone(ctx, why);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        if (released) {
            // Discarded already, yet more comes: a decoder in front (the secure hop) goes on
            // passing what it had read after the error that closed the connection.
            buf.release();
            return;
        }
        held.add(buf);
        heldBytes += buf.readableBytes();
        if (heldBytes >= LIMIT) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !inputShut) {
            inputShut = true;
            finReceived(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        discard(ctx, "error: " + Show.cause(cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discard(ctx, "closed");
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!released) {
            discard(ctx, "removed");
        }
    }
}
