package portforward.hop.secure;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import portforward.hop.noise.CipherState;
import portforward.hop.noise.NoiseHandshake;

/**
 * The two handshake messages of one end of a secure hop, and what happens when they fail. The
 * initiator says in its first message whether it is an agent's pooled link and how often it will
 * ping; it is ready once the reply opens. The responder answers a valid first message that is not
 * a replay, and is ready only once a record from the initiator has opened: a replayed or forged
 * first message never gets that far. A responder that fails writes nothing at all and closes.
 */
final class Handshake {
    private static final long MIN_HEARTBEAT_MILLIS = 50;
    private static final long MAX_HEARTBEAT_MILLIS = 3_600_000;

    private final HopSettings settings;
    private final boolean agentLink;
    /** Null on the initiator's side. */
    private final Strangers strangers;
    private final Frames frames;
    private NoiseHandshake noise;
    private Promise<HopReady> ready;
    private ChannelHandlerContext ctx;
    private SecureChannel channel;
    private ScheduledFuture<?> timeout;
    private Optional<Strangers.Pending> slot = Optional.empty();
    private boolean keys;
    private Hello peerHello;

    private record Hello(boolean agentLink, long heartbeatMillis) {
    }

    private Handshake(HopSettings settings, boolean agentLink, Strangers strangers, Frames frames) {
        this.settings = settings;
        this.agentLink = agentLink;
        this.strangers = strangers;
        this.frames = frames;
    }

    static Handshake initiator(HopSettings settings, boolean agentLink, Frames frames) {
        return new Handshake(settings, agentLink, null, frames);
    }

    static Handshake responder(HopSettings settings, Strangers strangers, Frames frames) {
        return new Handshake(settings, false, strangers, frames);
    }

    void attach(ChannelHandlerContext ctx, SecureChannel channel) {
        this.ctx = ctx;
        this.channel = channel;
        this.ready = ctx.executor().newPromise();
    }

    Promise<HopReady> ready() {
        return ready;
    }

    /** Keys are set: every frame from here on is a record. */
    boolean done() {
        return keys;
    }

    private boolean isInitiator() {
        return strangers == null;
    }

    /** The connection is up: the initiator speaks first; both start the clock. */
    void start() {
        byte[] psk = settings.secret().bytes();
        if (isInitiator()) {
            noise = NoiseHandshake.initiator(Wire.PROTOCOL, Wire.PROLOGUE, psk);
            long beat = settings.heartbeat().toMillis();
            try {
                byte[] hello = new Wire.Hello(agentLink, settings.clock().millis(), (int) Math.min(beat, Integer.MAX_VALUE)).encode();
                writeFrame(noise.writeMessage(hello));
            } catch (GeneralSecurityException e) {
                failed("cannot start the handshake: " + e.getMessage());
                return;
            }
        } else {
            slot = strangers.admit(ctx.channel().remoteAddress(), () -> ctx.executor().execute(
                    () -> failed("pending too long while newer handshakes needed the room")));
            if (slot.isEmpty()) {
                ready.tryFailure(new HopException("refused"));
                closeQuietly();
                return;
            }
            noise = NoiseHandshake.responder(Wire.PROTOCOL, Wire.PROLOGUE, psk);
        }
        Duration limit = HopSettings.HANDSHAKE_TIMEOUT;
        timeout = ctx.executor().schedule(() -> failed("no handshake within " + limit.toSeconds() + " s"),
                limit.toMillis(), TimeUnit.MILLISECONDS);
        ctx.read();
    }

    /** A handshake frame (length bytes first). */
    void frame(ByteBuf frame) {
        byte[] message = ByteBufUtil.getBytes(frame, frame.readerIndex() + Wire.LENGTH_BYTES,
                frame.readableBytes() - Wire.LENGTH_BYTES);
        try {
            byte[] payload = noise.readMessage(message);
            if (isInitiator()) {
                if (!Wire.isWelcome(payload)) {
                    failed("the reply is not a portforward secure hop of this version");
                    return;
                }
                establish(settings.heartbeat().toMillis());
                channel.write(ctx, SecureChannel.Control.READY, ctx.newPromise());
                ctx.flush();
                succeed();
            } else {
                Optional<Wire.Hello> hello = Wire.Hello.decode(payload);
                if (hello.isEmpty()) {
                    failed("its first message is of another version");
                    return;
                }
                String refusal = strangers.replays().check(noise.remoteEphemeral(), hello.get().unixMillis(),
                        settings.clock().millis());
                if (refusal != null) {
                    failed(refusal);
                    return;
                }
                peerHello = new Hello(hello.get().agentLink(), hello.get().heartbeatMillis());
                writeFrame(noise.writeMessage(Wire.welcome()));
                establish(Math.max(MIN_HEARTBEAT_MILLIS, Math.min(MAX_HEARTBEAT_MILLIS, peerHello.heartbeatMillis())));
            }
        } catch (GeneralSecurityException e) {
            failed(isInitiator() ? "the reply did not authenticate (a different secret, or not a +s endpoint)"
                    : "its first message did not authenticate (no secret, or a different one)");
        }
    }

    private void establish(long heartbeatMillis) {
        CipherState[] split = noise.split();
        keys = true;
        frames.handshakeDone();
        channel.established(split[isInitiator() ? 0 : 1], split[isInitiator() ? 1 : 0],
                TimeUnit.MILLISECONDS.toNanos(heartbeatMillis));
    }

    /** A record from the peer opened: on the responder's side, the initiator has proved the secret. */
    void confirmed() {
        if (!isInitiator() && !ready.isDone()) {
            strangers.admitted();
            succeed();
        }
    }

    private void succeed() {
        timeout.cancel(false);
        releaseSlot();
        ready.trySuccess(new HopReady(isInitiator() ? agentLink : peerHello.agentLink()));
    }

    /**
     * The handshake failed: the responder says nothing and closes; the initiator's future says why,
     * for its caller's log line.
     */
    void failed(String why) {
        if (ready.isDone()) {
            return;
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
        releaseSlot();
        if (isInitiator()) {
            ready.tryFailure(new HopException(why));
            ctx.close();
        } else {
            strangers.refuse(ctx.channel().remoteAddress(), why);
            ready.tryFailure(new HopException(why));
            closeQuietly();
        }
    }

    /** The connection closed; a handshake still under way failed with it. */
    void closed() {
        failed(isInitiator() ? "the peer closed the handshake (a different secret, clocks more than "
                + ReplayCache.WINDOW_MILLIS / 1000 + " s apart, a --allow-from on the peer that leaves this host out, or not"
                + " a +s endpoint)" : "closed during the handshake");
    }

    private void releaseSlot() {
        slot.ifPresent(s -> strangers.release(s)); // not strangers::release: the initiator has none
        slot = Optional.empty();
    }

    /** A reset, not a FIN: nothing about the close is a reply. */
    private void closeQuietly() {
        if (ctx.channel().isActive()) {
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        }
        ctx.close();
    }

    private void writeFrame(byte[] message) {
        ByteBuf out = ctx.alloc().buffer(Wire.LENGTH_BYTES + message.length);
        out.writeShort(message.length).writeBytes(message);
        ctx.writeAndFlush(out);
    }
}
