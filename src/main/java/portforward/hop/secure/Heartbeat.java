package portforward.hop.secure;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * Keeps one secure hop alive and notices when its peer is gone: every interval (with jitter, so
 * that many links do not beat together) the initiator pings, and an end that has heard nothing
 * for three intervals while it was reading raises a {@link HopException}. Silence while reading is
 * paused (backpressure), or while our own writes are queued, proves nothing: the peer's records
 * wait behind the data, and the clock restarts then. Confined to the channel's event loop.
 */
final class Heartbeat {
    private static final int MISSED_BEATS = 3;

    private final ChannelHandlerContext ctx;
    private final long intervalNanos;
    /** The initiator's ping, given its number; false when it could not be sent. Null on the responder. */
    private final LongPredicate ping;
    private long lastHeardNanos = System.nanoTime();
    private long pings;
    private ScheduledFuture<?> next;

    Heartbeat(ChannelHandlerContext ctx, long intervalNanos, LongPredicate ping) {
        this.ctx = ctx;
        this.intervalNanos = intervalNanos;
        this.ping = ping;
        schedule();
    }

    /** Something arrived from the peer. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    void stop() {
        next.cancel(false);
    }

    private void schedule() {
        long jittered = (long) (intervalNanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        next = ctx.executor().schedule(this::beat, jittered, TimeUnit.NANOSECONDS);
    }

    private void beat() {
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (!ctx.channel().config().isAutoRead() || !ctx.channel().isWritable()) {
            lastHeardNanos = now;
        } else if (now - lastHeardNanos > MISSED_BEATS * intervalNanos) {
            ctx.fireExceptionCaught(new HopException("no heartbeat for "
                    + TimeUnit.NANOSECONDS.toMillis(now - lastHeardNanos) / 1000.0 + " s"));
            return;
        }
        if (ping != null && !ping.test(++pings)) {
            return;
        }
        schedule();
    }
}
