package portforward.hop.secure;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Optional;
import portforward.hop.ClientAddress;
import portforward.hop.noise.CipherState;

/**
 * One end of a secure hop once the handshake is done: application ByteBufs written to the channel
 * leave as DATA records, records that arrive are opened and passed on as plaintext, FIN and RST
 * records become the input-shutdown event and a {@link PeerResetException}, OPEN becomes
 * {@link Opened}. It also keeps the hop alive: the initiator pings at the agreed interval (with
 * jitter), the responder answers, and an end that hears nothing for three intervals while it is
 * reading raises a {@link HopException}. Writes that come before the handshake is done fail.
 */
final class SecureChannel extends ChannelDuplexHandler {
    /** Control records written to the channel by {@link SecureHop}. */
    enum Control { FIN, RST, READY, IDLE }

    /** An OPEN record written to the channel by {@link SecureHop#open}. */
    record Open(Optional<java.net.InetSocketAddress> client) {
    }

    private final boolean initiator;
    private final Handshake handshake;
    /** The body of a control record; duplicated, so that sealing never moves the shared one. */
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** Null until the handshake is done. */
    private Records records;
    /** Null until the handshake is done. */
    private Heartbeat heartbeat;
    private boolean finReceived;
    /** The peer said IDLE before anyone asked: the next {@link #whenPeerIdle} runs at once. */
    private boolean peerIdle;
    private Runnable onPeerIdle;
    /** A record failed to open, or a counter ran out: nothing more may be written, not even RST. */
    private boolean broken;
    private ChannelHandlerContext ctx;

    SecureChannel(Handshake handshake, boolean initiator) {
        this.handshake = handshake;
        this.initiator = initiator;
    }

    Promise<HopReady> ready() {
        return handshake.ready();
    }

    boolean isReady() {
        return records != null;
    }

    boolean isBroken() {
        return broken;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        handshake.attach(ctx, this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        handshake.start();
        ctx.fireChannelActive();
    }

    /** The handshake is done: records from here on, and the heartbeat starts. */
    void established(CipherState send, CipherState receive, long heartbeatNanos) {
        this.records = new Records(send, receive);
        this.heartbeat = new Heartbeat(ctx, heartbeatNanos, initiator ? this::ping : null);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (heartbeat != null) {
                heartbeat.heard();
            }
            if (!handshake.done()) {
                handshake.frame(frame);
            } else {
                record(ctx, frame);
            }
        } finally {
            frame.release();
        }
    }

    private void record(ChannelHandlerContext ctx, ByteBuf frame) {
        if (broken) {
            return;
        }
        ByteBuf plain;
        try {
            plain = records.open(ctx.alloc(), frame);
        } catch (GeneralSecurityException e) {
            broken = true;
            if (!ready().isSuccess()) {
                handshake.failed("its first record failed authentication");
            } else {
                ctx.fireExceptionCaught(new HopException("a record failed authentication"));
            }
            return;
        }
        handshake.confirmed();
        byte type = plain.readByte();
        try {
            switch (type) {
                case Wire.DATA -> {
                    if (finReceived) {
                        throw new HopException("data after the end of the stream");
                    }
                    ctx.fireChannelRead(plain.retain());
                }
                case Wire.FIN -> {
                    if (!finReceived) {
                        finReceived = true;
                        ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                    }
                }
                case Wire.RST -> ctx.fireExceptionCaught(new PeerResetException());
                case Wire.PING -> {
                    ctx.write(records.seal(ctx.alloc(), Wire.PONG, plain.nioBuffer()));
                    ctx.flush();
                }
                case Wire.OPEN -> {
                    Opened opened = new Opened(Wire.decodeOpen(plain.nioBuffer()));
                    ClientAddress.opened(ctx.channel(), opened.client()); // conn+pp2 beyond writes it
                    ctx.fireUserEventTriggered(opened);
                }
                case Wire.IDLE -> peerIdle();
                case Wire.PONG, Wire.READY -> { }
                default -> throw new HopException("unknown record type " + type);
            }
        } catch (HopException e) {
            ctx.fireExceptionCaught(e);
        } catch (GeneralSecurityException e) {
            broken = true;
            ctx.fireExceptionCaught(new HopException("the record counter ran out"));
        } finally {
            plain.release();
        }
    }

    /**
     * The link over this connection has ended cleanly both ways (both FIN records): the next OPEN
     * starts a new stream on the same connection, keys and counters going on.
     */
    void resetStream() {
        finReceived = false;
    }

    /** Runs {@code then} once the peer has said IDLE, at once if it already has. */
    void whenPeerIdle(Runnable then) {
        if (peerIdle) {
            peerIdle = false;
            then.run();
        } else {
            onPeerIdle = then;
        }
    }

    private void peerIdle() {
        Runnable then = onPeerIdle;
        onPeerIdle = null;
        if (then != null) {
            then.run();
        } else {
            peerIdle = true;
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf) && !(msg instanceof Control) && !(msg instanceof Open)) {
            ctx.write(msg, promise);
            return;
        }
        if (msg instanceof ByteBuf buf && !buf.isReadable()) {
            ctx.write(msg, promise); // an empty write only asks for a flush
            return;
        }
        if (!isReady() || broken) {
            ReferenceCountUtil.release(msg);
            promise.setFailure(new HopException(broken ? "the secure hop is broken" : "the secure hop is not ready"));
            return;
        }
        try {
            ByteBuf out;
            if (msg instanceof ByteBuf data) {
                writeData(ctx, data, promise);
                return;
            } else if (msg instanceof Open open) {
                out = records.seal(ctx.alloc(), Wire.OPEN, ByteBuffer.wrap(Wire.openBody(open.client())));
            } else {
                out = records.seal(ctx.alloc(), switch ((Control) msg) {
                    case FIN -> Wire.FIN;
                    case RST -> Wire.RST;
                    case READY -> Wire.READY;
                    case IDLE -> Wire.IDLE;
                }, EMPTY.duplicate());
            }
            ctx.write(out, promise);
        } catch (GeneralSecurityException e) {
            broken = true;
            promise.setFailure(new HopException("the record counter ran out"));
            ctx.fireExceptionCaught(new HopException("the record counter ran out"));
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * One record per {@link Wire#SEND_MAX} bytes, each in a buffer of its own: a record and its
     * buffer stay within the allocator's pooled sizes, where one buffer for a whole 64 KiB read
     * was allocated and zeroed afresh every time.
     */
    private void writeData(ChannelHandlerContext ctx, ByteBuf data, ChannelPromise promise)
            throws GeneralSecurityException {
        for (int at = data.readerIndex(), end = at + data.readableBytes(); at < end; at += Wire.SEND_MAX) {
            int chunk = Math.min(Wire.SEND_MAX, end - at);
            ByteBuf record = records.seal(ctx.alloc(), Wire.DATA, data.nioBuffer(at, chunk));
            ctx.write(record, at + chunk >= end ? promise : ctx.voidPromise());
        }
    }

    /** The initiator's heartbeat; false when no more records can be written. */
    private boolean ping(long n) {
        if (broken) {
            return false;
        }
        try {
            ctx.writeAndFlush(records.seal(ctx.alloc(), Wire.PING, ByteBuffer.allocate(8).putLong(0, n)));
            return true;
        } catch (GeneralSecurityException e) {
            broken = true;
            ctx.fireExceptionCaught(new HopException("the record counter ran out"));
            return false;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof ChannelInputShutdownEvent)) {
            ctx.fireUserEventTriggered(evt);
        } else if (!ready().isSuccess()) {
            handshake.closed();
        } else if (!finReceived) {
            // The socket's own end of input before a FIN record: the stream was cut, which is no
            // clean end (anyone on the path can send a TCP FIN).
            ctx.fireExceptionCaught(new HopException("the secure hop was cut without an end-of-stream record"));
        }
        // After a FIN record the socket's end is the peer closing: already announced.
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!ready().isSuccess()) {
            if (cause instanceof DecoderException) {
                handshake.failed("oversized or malformed handshake frame");
            } else {
                handshake.closed(); // a reset during the handshake says no more than a close
            }
            return;
        }
        ctx.fireExceptionCaught(cause instanceof DecoderException ? new HopException("malformed frame") : cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (heartbeat != null) {
            heartbeat.stop();
        }
        handshake.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!ready().isDone() && ctx.channel().isActive()) {
            ctx.read(); // the handshake reads for itself; the application may not have started reading
        }
        ctx.fireChannelReadComplete();
    }
}
