package portforward.forward;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The agent's pool of idle connections (or sockets) toward the relay, kept at --pool. Its
 * bookkeeping is confined to one event loop; connections live on their own loops and report here.
 * When the relay cannot be reached it retries with exponential backoff and jitter, capped at
 * 16 s, forever, with one warning per try.
 */
public final class AgentPool {
    /** Starts opening one pool member; it reports back with {@link #opened}. */
    public interface Opener {
        void open();
    }

    /** Handshakes in flight at once: a large pool fills a few at a time, not in one burst. */
    private static final int MAX_OPENING = 4;

    private final Logger log;
    private final RelayStats events;
    private final String failure;
    private final int size;
    private final EventLoop loop;
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(16));
    private final Set<Channel> idle = new HashSet<>();
    private Opener opener;
    private int opening;
    private boolean retryScheduled;
    private boolean stopped;

    /** {@code failure} begins the warning, such as "cannot connect to 1.2.3.4:9001". */
    public AgentPool(RelayContext context, Logger log, String failure) {
        this.log = log;
        this.events = context.events();
        this.failure = failure;
        this.size = context.spec().pool();
        this.loop = context.group().next();
    }

    public EventLoop loop() {
        return loop;
    }

    /** Runs {@code task} on the pool's loop, unless that loop is stopping (then the pool is too). */
    public void execute(Runnable task) {
        LoopTasks.execute(loop, task);
    }

    public void start(Opener opener) {
        this.opener = opener;
        LoopTasks.execute(loop, this::fill);
    }

    public void stop() {
        LoopTasks.execute(loop, () -> {
            stopped = true;
            idle.forEach(Channel::close);
            events.pooled(-idle.size());
            idle.clear();
        });
    }

    private void fill() {
        while (!stopped && !retryScheduled && idle.size() + opening < size && opening < MAX_OPENING) {
            opening++;
            opener.open();
        }
    }

    /**
     * An open attempt finished. Call it from the member's own loop, after it watches its
     * channel, so that any later {@link #left} for it is queued behind this report.
     * {@code stillIdle} is false when the member was already taken or closed.
     */
    public void opened(Future<Channel> f, boolean stillIdle) {
        LoopTasks.execute(loop, () -> {
            opening--;
            if (!f.isSuccess()) {
                retryLater(Show.cause(f.cause()));
                return;
            }
            if (stopped) {
                f.getNow().close();
                return;
            }
            backoff.reset();
            if (stillIdle && idle.add(f.getNow())) {
                events.pooled(1);
            }
            fill();
        });
    }

    /** A member left the pool: taken by a client, or closed while idle ({@code failure} if too soon). */
    public void left(Channel channel, String failureCause) {
        LoopTasks.execute(loop, () -> {
            if (!idle.remove(channel)) {
                return;
            }
            events.pooled(-1);
            if (failureCause != null) {
                retryLater(failureCause);
            }
            fill();
        });
    }

    private void retryLater(String cause) {
        if (stopped || retryScheduled) {
            return;
        }
        retryScheduled = true;
        Duration delay = backoff.next();
        log.warning(() -> failure + ": " + cause + "; retrying in " + Show.seconds(delay.toNanos()));
        LoopTasks.schedule(loop, () -> {
            retryScheduled = false;
            fill();
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
}
