package portforward.hop.secure;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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

    private static final int MISSED_BEATS = 3;

    private final boolean initiator;
    private final Handshake handshake;
    private CipherState send;
    private CipherState receive;
    private long heartbeatNanos;
    private long lastHeardNanos;
    private long pings;
    private boolean finReceived;
    /** The peer said IDLE before anyone asked: the next {@link #whenPeerIdle} runs at once. */
    private boolean peerIdle;
    private Runnable onPeerIdle;
    /** A record failed to open, or a counter ran out: nothing more may be written, not even RST. */
    private boolean broken;
    private ScheduledFuture<?> beat;
    private ChannelHandlerContext ctx;

    SecureChannel(Handshake handshake, boolean initiator) {
        this.handshake = handshake;
        this.initiator = initiator;
    }

    Promise<HopReady> ready() {
        return handshake.ready();
    }

    boolean isReady() {
        return send != null;
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
        this.send = send;
        this.receive = receive;
        this.heartbeatNanos = heartbeatNanos;
        this.lastHeardNanos = System.nanoTime();
        scheduleBeat();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            lastHeardNanos = System.nanoTime();
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
            plain = open(ctx, frame);
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
                    ctx.write(seal(ctx, Wire.PONG, plain.nioBuffer()));
                    ctx.flush();
                }
                case Wire.OPEN -> ctx.fireUserEventTriggered(new Opened(Wire.decodeOpen(plain.nioBuffer())));
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

    private ByteBuf open(ChannelHandlerContext ctx, ByteBuf frame) throws GeneralSecurityException {
        int length = frame.readableBytes() - Wire.LENGTH_BYTES;
        if (length < 1 + Wire.TAG) {
            throw new GeneralSecurityException("record too short");
        }
        ByteBuf plain = ctx.alloc().buffer(length - Wire.TAG);
        try {
            ByteBuffer out = plain.nioBuffer(0, length - Wire.TAG);
            receive.decrypt(frame.nioBuffer(frame.readerIndex(), Wire.LENGTH_BYTES),
                    frame.nioBuffer(frame.readerIndex() + Wire.LENGTH_BYTES, length), out);
            plain.writerIndex(out.position());
            return plain;
        } catch (GeneralSecurityException | RuntimeException e) {
            plain.release();
            throw e;
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
                out = seal(ctx, Wire.OPEN, ByteBuffer.wrap(Wire.openBody(open.client())));
            } else {
                out = seal(ctx, switch ((Control) msg) {
                    case FIN -> Wire.FIN;
                    case RST -> Wire.RST;
                    case READY -> Wire.READY;
                    case IDLE -> Wire.IDLE;
                }, ByteBuffer.allocate(0));
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
            ByteBuf record = seal(ctx, Wire.DATA, data.nioBuffer(at, chunk));
            ctx.write(record, at + chunk >= end ? promise : ctx.voidPromise());
        }
    }

    private ByteBuf seal(ChannelHandlerContext ctx, byte type, ByteBuffer body) throws GeneralSecurityException {
        ByteBuf out = ctx.alloc().directBuffer(Wire.LENGTH_BYTES + 1 + body.remaining() + Wire.TAG);
        try {
            sealInto(out, type, body);
            return out;
        } catch (GeneralSecurityException | RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(
            () -> new ByteBuffer[] {ByteBuffer.allocate(Wire.LENGTH_BYTES), ByteBuffer.allocate(1)});

    private void sealInto(ByteBuf out, byte type, ByteBuffer body) throws GeneralSecurityException {
        int length = 1 + body.remaining() + Wire.TAG;
        ByteBuffer[] scratch = SCRATCH.get();
        ByteBuffer ad = scratch[0].clear().putShort((short) length).flip();
        ByteBuffer head = scratch[1].clear().put(type).flip();
        out.writeShort(length);
        ByteBuffer target = out.nioBuffer(out.writerIndex(), length);
        send.encrypt(ad, head, body, target);
        out.writerIndex(out.writerIndex() + length);
    }

    private void scheduleBeat() {
        long jittered = (long) (heartbeatNanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        beat = ctx.executor().schedule(this::beat, jittered, TimeUnit.NANOSECONDS);
    }

    /**
     * While reading is paused (backpressure) or our own writes are queued, silence proves nothing:
     * the peer's records wait behind the data. The clock restarts then.
     */
    private void beat() {
        if (!ctx.channel().isActive() || broken) {
            return;
        }
        long now = System.nanoTime();
        if (!ctx.channel().config().isAutoRead() || !ctx.channel().isWritable()) {
            lastHeardNanos = now;
        } else if (now - lastHeardNanos > MISSED_BEATS * heartbeatNanos) {
            ctx.fireExceptionCaught(new HopException("no heartbeat for "
                    + TimeUnit.NANOSECONDS.toMillis(now - lastHeardNanos) / 1000.0 + " s"));
            return;
        }
        if (initiator) {
            try {
                ctx.writeAndFlush(seal(ctx, Wire.PING, ByteBuffer.allocate(8).putLong(0, ++pings)));
            } catch (GeneralSecurityException e) {
                broken = true;
                ctx.fireExceptionCaught(new HopException("the record counter ran out"));
                return;
            }
        }
        scheduleBeat();
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
        if (beat != null) {
            beat.cancel(false);
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
