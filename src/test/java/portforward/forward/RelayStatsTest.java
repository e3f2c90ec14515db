package portforward.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import portforward.forward.RelayStats.LinkEnd;
import portforward.forward.RelayStats.Refusal;
import portforward.forward.RelayStats.Unpaired;

@Timeout(30)
class RelayStatsTest {

    @Test
    void aWaiterWakesOnTheEventItWaitsFor() throws Exception {
        RelayStats stats = new RelayStats();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread closer = new Thread(() -> {
            try {
                waiting.await();
                stats.linkOpened();
                stats.linkClosed(LinkEnd.RESET, 10, 20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        closer.start();
        waiting.countDown();
        assertTrue(stats.awaitUntil(s -> s.linksClosed(LinkEnd.RESET) == 1, Duration.ofSeconds(20)), stats::toString);
        closer.join(TimeUnit.SECONDS.toMillis(20));
        assertEquals(0, stats.activeLinks());
        assertEquals(10, stats.bytesToTarget());
        assertEquals(20, stats.bytesToClient());
    }

    @Test
    void aConditionThatNeverHoldsTimesOut() throws Exception {
        RelayStats stats = new RelayStats();
        assertFalse(stats.awaitUntil(s -> s.linksOpened() > 0, Duration.ofMillis(1)));
    }

    @Test
    void waitingIsWhatArrivedLessWhatPairedOrLeft() {
        RelayStats stats = new RelayStats();
        stats.waiting();
        stats.waiting();
        stats.waiting();
        stats.waitingPaired();
        stats.waitingDropped(Unpaired.NO_PARTNER);
        assertEquals(1, stats.unpairedWaiting());
        assertEquals(1, stats.unpaired(Unpaired.NO_PARTNER));
    }

    /** The SIGUSR1 line: what is open and carried, then what was turned away once there is any. */
    @Test
    void theSummarySaysWhatWasRefusedAndWhichDialsFailed() {
        RelayStats stats = new RelayStats();
        stats.linkOpened();
        stats.linkOpened();
        stats.linkClosed(LinkEnd.EOF, 2048, 3 << 20);
        assertEquals("1 link open, 1 closed; closed ones carried 2.0 KiB forward, 3.0 MiB back", stats.summary(false));

        stats.refuse(Refusal.MAX_LINKS);
        stats.refuse(Refusal.NOT_ALLOWED);
        stats.refuse(Refusal.BAD_PROXY_HEADER);
        EmbeddedChannel channel = new EmbeddedChannel();
        stats.countFailure(channel.newFailedFuture(new ConnectException("connection refused")));
        channel.finishAndReleaseAll();
        assertEquals("1 link open, 1 closed; closed ones carried 2.0 KiB forward, 3.0 MiB back;"
                + " 3 connections refused; 1 dial failed", stats.summary(false));
        assertEquals("0 sessions open, 0 closed; closed ones carried 2.0 KiB forward, 3.0 MiB back;"
                + " 0 datagrams dropped; 3 connections refused; 1 dial failed", stats.summary(true));
    }
}
