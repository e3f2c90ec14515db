package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import portforward.forward.RelayContext;

/** The shutdown every TCP mode shares: listeners now, links after a grace period. */
final class Stopping {
    private Stopping() {
    }

    static Future<?> stop(RelayContext context, List<Channel> listeners, Duration grace) {
        for (Channel listener : listeners) {
            listener.close();
        }
        Promise<Void> done = context.group().next().newPromise();
        context.closeLinks().addListener(closed -> done.trySuccess(null));
        context.group().schedule(() -> {
            context.linkChannels().close();
            done.trySuccess(null);
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
        return done;
    }
}
