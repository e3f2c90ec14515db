package portforward.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import portforward.endpoint.Protocol;
import portforward.forward.Forwarder;
import portforward.forward.Forwarders;
import portforward.forward.RelayContext;
import portforward.forward.StartException;
import portforward.metrics.Exported;
import portforward.transport.Transport;

/**
 * The forwards of one process, by name: each has its own {@link RelayContext} (counters, links)
 * and all share the process's transport and event loops. Changed from the main thread and the
 * signal thread, read by the metrics thread, so every access holds the lock; none is on the data path.
 */
final class RunningForwards {
    /** A started forward. */
    record Running(ConfigFile.Forward forward, RelayContext context, Forwarder forwarder) {
        String summary() {
            return forward.spec() + ": " + context.events().summary(forward.spec().protocol() == Protocol.UDP);
        }
    }

    private final Transport transport;
    private final EventLoopGroup group;
    private final boolean named;
    private final Map<String, Running> running = new LinkedHashMap<>();

    /** {@code named}: the process runs a file, so a message about one forward says which. */
    RunningForwards(Transport transport, EventLoopGroup group, boolean named) {
        this.transport = transport;
        this.group = group;
        this.named = named;
    }

    /** Starts every forward, or none: if one cannot start, those started are stopped again. */
    synchronized void startAll(List<ConfigFile.Forward> forwards) throws StartException {
        List<Running> started = new ArrayList<>();
        for (ConfigFile.Forward forward : forwards) {
            try {
                started.add(start(forward));
            } catch (StartException e) {
                started.forEach(r -> r.forwarder().stop(Duration.ZERO).awaitUninterruptibly(1, TimeUnit.SECONDS));
                throw e;
            }
        }
        started.forEach(r -> running.put(r.forward().name(), r));
    }

    /** Starts one forward; the exception's message names it when the process runs several. */
    Running start(ConfigFile.Forward forward) throws StartException {
        RelayContext context = new RelayContext(forward.spec(), transport, group,
                named ? Optional.of(forward.name()) : Optional.empty());
        Forwarder forwarder = Forwarders.of(context);
        try {
            forwarder.start();
        } catch (StartException e) {
            throw named ? new StartException(label(forward) + ": " + e.getMessage()) : e;
        }
        return new Running(forward, context, forwarder);
    }

    /** "forward 'ssh' (line 3)", for messages about one forward of a file. */
    static String label(ConfigFile.Forward forward) {
        return "forward '" + forward.name() + "' (line " + forward.line() + ")";
    }

    synchronized List<Running> list() {
        return List.copyOf(running.values());
    }

    synchronized List<Exported> exported() {
        return running.values().stream()
                .map(r -> new Exported(r.forward().name(), r.context().events(), r.forwarder().secureListeners()))
                .toList();
    }

    /** Closes every listener and gives open links {@code grace}; waits a little longer than that. */
    void stopAll(Duration grace) throws InterruptedException {
        List<Future<?>> stopping = new ArrayList<>();
        for (Running r : list()) {
            stopping.add(r.forwarder().stop(grace));
        }
        for (Future<?> f : stopping) {
            f.await(grace.toMillis() + 200);
        }
    }

    boolean named() {
        return named;
    }
}
