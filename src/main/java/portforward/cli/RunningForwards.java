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
import portforward.endpoint.Defaults;
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
    /** Forwards a reload removed or replaced, whose links may still be open; stopped at exit. */
    private final List<Running> retired = new ArrayList<>();

    /** What a reload did, by forward name; {@code failed} holds the messages of forwards that could not start. */
    record Reload(List<String> added, List<String> removed, List<String> restarted, List<String> unchanged,
            List<String> failed) {
        @Override
        public String toString() {
            return "reloaded: " + words(added, "started") + ", " + words(removed, "stopped") + ", "
                    + words(restarted, "restarted") + ", " + unchanged.size() + " unchanged"
                    + (failed.isEmpty() ? "" : ", " + failed.size() + " could not start");
        }

        private static String words(List<String> names, String what) {
            return names.size() + " " + what + (names.isEmpty() ? "" : " (" + String.join(", ", names) + ")");
        }
    }

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
                Optional.of(forward.name()));
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

    /**
     * Makes the running set {@code wanted}: a forward the same as before is left alone, its links
     * and sessions untouched; a removed one stops listening and its links finish by themselves; a
     * changed one stops listening and starts again from its new line (so it binds anew); a new
     * one starts. One that cannot start is reported in {@code failed} and the rest applies.
     */
    synchronized Reload reload(List<ConfigFile.Forward> wanted) throws InterruptedException {
        retired.removeIf(r -> r.context().linkChannels().isEmpty());
        Map<String, ConfigFile.Forward> byName = new LinkedHashMap<>();
        wanted.forEach(f -> byName.put(f.name(), f));
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> restarted = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        Map<String, Running> next = new LinkedHashMap<>();
        for (Running r : List.copyOf(running.values())) {
            ConfigFile.Forward now = byName.get(r.forward().name());
            if (now != null && now.sameAs(r.forward())) {
                unchanged.add(now.name());
                next.put(now.name(), new Running(now, r.context(), r.forwarder()));
            } else {
                // Before anything starts, so that a forward moved to this one's port can bind it.
                r.forwarder().stopListening().await(Defaults.SHUTDOWN_GRACE.toMillis() + 1000);
                retired.add(r);
                (now == null ? removed : restarted).add(r.forward().name());
            }
        }
        for (ConfigFile.Forward f : wanted) {
            if (next.containsKey(f.name())) {
                continue;
            }
            try {
                next.put(f.name(), start(f));
                if (!restarted.contains(f.name())) {
                    added.add(f.name());
                }
            } catch (StartException e) {
                failed.add(e.getMessage());
            }
        }
        running.clear();
        running.putAll(next);
        return new Reload(added, removed, restarted, unchanged, failed);
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
        List<Running> all = new ArrayList<>(list());
        synchronized (this) {
            all.addAll(retired);
        }
        for (Running r : all) {
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
