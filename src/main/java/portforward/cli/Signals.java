package portforward.cli;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * What the process does on a signal: INT and TERM stop it; HUP reloads a --config file, and is
 * otherwise ignored with a line (the default action would kill the relay); USR1 logs one summary
 * line per forward, at every verbosity since the user asked for it.
 */
final class Signals {
    private static final Logger LOG = Logger.getLogger("portforward");

    private Signals() {
    }

    static void install(CountDownLatch stop, RunningForwards forwards, Optional<Reloader> reloader) {
        on("INT", stop::countDown);
        on("TERM", stop::countDown);
        on("HUP", reloader.<Runnable>map(r -> r::onSignal).orElse(() -> LogSetup.NOTICE.info(
                "SIGHUP ignored: there is no configuration to reload (SIGINT or SIGTERM stops)")));
        on("USR1", () -> forwards.list().forEach(r -> r.context().log(LogSetup.NOTICE).info(r.summary())));
    }

    private static void on(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), signal -> action.run());
        } catch (IllegalArgumentException e) {
            LOG.fine(() -> "cannot handle SIG" + name + ": " + e.getMessage());
        }
    }
}
