package portforward.forward;

import io.netty.channel.Channel;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import java.util.concurrent.ScheduledExecutorService;

/**
 * {@code --rate-limit}: all links of a forward together read at most so many bytes per second
 * from their clients, and as many from their targets, through Netty's
 * {@link GlobalTrafficShapingHandler}, one for each direction. Over the cap it stops reading the
 * sender's socket for as long as the excess takes to pay off, so the sender is slowed by TCP's own
 * flow control and nothing is dropped or queued without bound. The handler sees only what passes
 * through the pipeline, which is why a limited forward's links never splice.
 */
public final class RateLimit {
    /** How often the shaper takes the rate; a short interval keeps the first second's burst small. */
    private static final long CHECK_INTERVAL_MILLIS = 100;
    /** The longest a read may be put off in one go. */
    private static final long MAX_WAIT_MILLIS = 5000;

    private final GlobalTrafficShapingHandler fromClients;
    private final GlobalTrafficShapingHandler fromTargets;

    RateLimit(ScheduledExecutorService executor, long bytesPerSecond) {
        this.fromClients = new GlobalTrafficShapingHandler(executor, 0, bytesPerSecond, CHECK_INTERVAL_MILLIS,
                MAX_WAIT_MILLIS);
        this.fromTargets = new GlobalTrafficShapingHandler(executor, 0, bytesPerSecond, CHECK_INTERVAL_MILLIS,
                MAX_WAIT_MILLIS);
    }

    /** Puts a link's two channels under the cap, first in their pipelines: the bytes counted are those read from the socket. */
    public void apply(Channel client, Channel target) {
        client.pipeline().addFirst("rate-limit", fromClients);
        target.pipeline().addFirst("rate-limit", fromTargets);
    }

    /** Stops the shapers' counters; the forward is stopping. */
    void release() {
        fromClients.release();
        fromTargets.release();
    }
}
