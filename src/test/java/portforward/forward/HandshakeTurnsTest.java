package portforward.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A forward's handshakes toward its +s target: at most so many under way, the others in order. */
@Timeout(60)
class HandshakeTurnsTest {
    private final List<EventLoop> loops = new ArrayList<>();

    @AfterEach
    void stopLoops() {
        loops.forEach(l -> l.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly());
    }

    private EventLoop loop() {
        EventLoop loop = new DefaultEventLoop();
        loops.add(loop);
        return loop;
    }

    /** Whatever was handed to {@code loop} before this call has run. */
    private static void settled(EventLoop loop) throws Exception {
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    private record Started(int id, HandshakeTurns.Turn turn) {
    }

    @Test
    void atMostTheLimitAreUnderWayAndTheOthersStartInTheOrderTheyCame() throws Exception {
        EventLoop loop = loop();
        RelayStats stats = new RelayStats();
        HandshakeTurns turns = new HandshakeTurns(2, stats);
        LinkedBlockingQueue<Started> started = new LinkedBlockingQueue<>();
        for (int i = 0; i < 5; i++) {
            int id = i;
            turns.take(loop, turn -> started.add(new Started(id, turn)));
        }
        settled(loop);
        assertEquals(List.of(0, 1), started.stream().map(Started::id).toList());
        assertEquals(3, stats.handshakesWaiting());
        List<Integer> order = new ArrayList<>(List.of(0, 1));
        for (int ended = 0; ended < 5; ended++) {
            Started done = started.poll(10, TimeUnit.SECONDS);
            done.turn().end();
            done.turn().end(); // a second end gives back nothing more
            settled(loop);
            started.stream().map(Started::id).filter(id -> !order.contains(id)).forEach(order::add);
            assertTrue(started.size() <= 2, "under way at once: " + started.size());
        }
        assertEquals(List.of(0, 1, 2, 3, 4), order);
        assertEquals(0, stats.handshakesWaiting());
    }

    @Test
    void aTurnWhoseLoopHasStoppedIsGivenBackAndTheNextStarts() throws Exception {
        EventLoop stopped = loop();
        stopped.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        EventLoop live = loop();
        HandshakeTurns turns = new HandshakeTurns(1, new RelayStats());
        CountDownLatch ran = new CountDownLatch(1);
        turns.take(stopped, turn -> { });
        turns.take(live, turn -> ran.countDown());
        assertTrue(ran.await(10, TimeUnit.SECONDS), "the turn of a stopped loop was never given back");
    }

    /** Many loops taking and ending turns at once never have more than the limit under way. */
    @Test
    void fromManyLoopsAtOnceNeverMoreThanTheLimit() throws Exception {
        int limit = 4;
        int each = 2000;
        List<EventLoop> takers = List.of(loop(), loop(), loop(), loop());
        RelayStats stats = new RelayStats();
        HandshakeTurns turns = new HandshakeTurns(limit, stats);
        AtomicInteger underWay = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(takers.size() * each);
        for (EventLoop taker : takers) {
            taker.execute(() -> {
                for (int i = 0; i < each; i++) {
                    turns.take(taker, turn -> {
                        most.accumulateAndGet(underWay.incrementAndGet(), Math::max);
                        taker.execute(() -> { // the handshake ends in a later task of its loop
                            underWay.decrementAndGet();
                            all.countDown();
                            turn.end();
                        });
                    });
                }
            });
        }
        assertTrue(all.await(30, TimeUnit.SECONDS), "not every handshake got a turn: " + all.getCount() + " left");
        assertTrue(most.get() <= limit, "under way at once: " + most.get());
        assertTrue(stats.awaitUntil(s -> s.handshakesWaiting() == 0, Duration.ofSeconds(10)));
    }
}
