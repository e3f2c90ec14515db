package portforward.cli;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

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
        if (!on("INT", stop::countDown)) {
            LOG.fine("SIGINT was ignored by whoever started the relay (as a shell does for a job in the background):"
                    + " SIGTERM stops it");
        }
        if (!on("TERM", stop::countDown)) {
            LOG.warning("SIGTERM was ignored by whoever started the relay, so it does not stop on SIGTERM; SIGINT or"
                    + " SIGKILL does");
        }
        boolean hangUp = on("HUP", reloader.<Runnable>map(r -> r::onSignal).orElse(() -> LogSetup.NOTICE.info(
                "SIGHUP ignored: there is no configuration to reload (SIGINT or SIGTERM stops)")));
        if (!hangUp && reloader.isPresent()) {
            LOG.warning("SIGHUP was ignored by whoever started the relay (nohup does that), so SIGHUP cannot reload "
                    + "the configuration; start it without nohup (setsid, or the systemd unit) to reload it");
        }
        on("USR1", () -> forwards.list().forEach(r -> r.context().log(LogSetup.NOTICE).info(r.summary())));
    }

    /**
     * Whether {@code action} now runs on SIG{@code name}. A signal the relay's parent left ignored
     * (nohup ignores HUP, a shell INT for a job in the background) stays ignored: the JVM installs
     * no handler then, and says so only by handing back SIG_IGN.
     */
    private static boolean on(String name, Runnable action) {
        try {
            return Signal.handle(new Signal(name), signal -> action.run()) != SignalHandler.SIG_IGN;
        } catch (IllegalArgumentException e) {
            LOG.fine(() -> "cannot handle SIG" + name + ": " + e.getMessage());
            return false;
        }
    }
}
