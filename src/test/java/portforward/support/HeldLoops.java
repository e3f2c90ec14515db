package portforward.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds every event loop of a group busy until closed, so that what a test sends meanwhile waits in
 * the sockets and is read in one wake-up, as under load.
 */
public final class HeldLoops implements AutoCloseable {
    private final CountDownLatch release = new CountDownLatch(1);

    private HeldLoops(EventLoopGroup group) throws InterruptedException {
        List<EventExecutor> loops = new ArrayList<>();
        group.forEach(loops::add);
        CountDownLatch held = new CountDownLatch(loops.size());
        for (EventExecutor loop : loops) {
            loop.execute(() -> {
                held.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(held.await(10, TimeUnit.SECONDS), "the event loops did not run");
    }

    /** Returns once every loop of {@code group} is held. */
    public static HeldLoops hold(EventLoopGroup group) throws InterruptedException {
        return new HeldLoops(group);
    }

    @Override
    public void close() {
        release.countDown();
    }
}
