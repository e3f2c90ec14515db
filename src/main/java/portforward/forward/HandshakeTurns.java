package portforward.forward;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseNotifier;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import portforward.hop.secure.Strangers;

/**
 * Turns for the handshakes a forward starts toward its {@code +s} target. A {@code listen+s}
 * endpoint lets one source address have 64 handshakes pending and drops the rest at once, as it
 * must for strangers; a burst of new links or UDP clients through one relay would cross that bound
 * and some of them would fail. So a forward has at most {@link #IN_FLIGHT} of its own under way,
 * and starts the others in the order they came as earlier ones end: none is dropped, some wait.
 * Shared by the forward's event loops.
 */
public final class HandshakeTurns {
    /** Half the far end's bound per source, so that two forwards of one process toward it fit too. */
    public static final int IN_FLIGHT = Strangers.PENDING_PER_SOURCE / 2;

    private final int limit;
    private final RelayStats stats;
    private final AtomicInteger running = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();

    HandshakeTurns(int limit, RelayStats stats) {
        this.limit = limit;
        this.stats = stats;
    }

    /**
     * Starts a handshake on {@code loop} once a turn is free (at once if one is); the turn ends when
     * the handshake's future completes, whichever way. The result completes as that future does.
     */
    public <T> Future<T> run(EventLoop loop, Supplier<Future<T>> handshake) {
        Promise<T> result = loop.newPromise();
        take(loop, turn -> PromiseNotifier.cascade(handshake.get().addListener(done -> turn.end()), result));
        return result;
    }

    /**
     * Runs {@code start} on {@code loop} once a turn is free (at once if one is). {@code start}
     * must end the turn it is given when its handshake is over, whichever way it ended.
     */
    void take(EventLoop loop, Consumer<Turn> start) {
        stats.handshakeWaiting(1);
        waiting.add(new Waiting(loop, start));
        handOut();
    }

    private void handOut() {
        for (;;) {
            int now = running.get();
            if (now >= limit || waiting.isEmpty()) {
                return;
            }
            if (!running.compareAndSet(now, now + 1)) {
                continue;
            }
            Waiting next = waiting.poll();
            if (next == null) {
                running.decrementAndGet(); // another thread took it; look again, something may have come meanwhile
                continue;
            }
            stats.handshakeWaiting(-1);
            Turn turn = new Turn();
            if (!LoopTasks.execute(next.loop, () -> next.start.accept(turn)) && turn.ended.compareAndSet(false, true)) {
                running.decrementAndGet(); // its loop is stopping: nothing to start
            }
        }
    }

    /** One handshake's turn; ending it more than once is harmless. */
    final class Turn {
        private final AtomicBoolean ended = new AtomicBoolean();

        private Turn() {
        }

        void end() {
            if (ended.compareAndSet(false, true)) {
                running.decrementAndGet();
                handOut();
            }
        }
    }

    private record Waiting(EventLoop loop, Consumer<Turn> start) {
    }
}
