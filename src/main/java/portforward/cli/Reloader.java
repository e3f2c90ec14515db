package portforward.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * SIGHUP with --config: reads the file again and applies it to the running set. A file with an
 * error changes nothing; each bad line is logged. Process options (-v, -q, --metrics, --transport)
 * keep the values the process started with.
 */
final class Reloader {
    private static final Logger LOG = Logger.getLogger("portforward");

    private final Path file;
    private final Map<String, String> env;
    private final RunningForwards forwards;

    Reloader(Path file, Map<String, String> env, RunningForwards forwards) {
        this.file = file;
        this.env = env;
        this.forwards = forwards;
    }

    /** What the reload did, or empty when the file had errors and nothing changed. */
    synchronized Optional<RunningForwards.Reload> reload() throws InterruptedException {
        ConfigFile.Config config;
        try {
            config = ConfigFile.read(file, env);
        } catch (ConfigFile.BadConfigException e) {
            e.lines().forEach(LOG::severe);
            LOG.severe("reload of " + file + " refused: the running forwards are kept as they are");
            return Optional.empty();
        }
        RunningForwards.Reload done = forwards.reload(config.forwards());
        done.failed().forEach(LOG::severe);
        LogSetup.NOTICE.info(done::toString);
        return Optional.of(done);
    }

    /** For the signal handler, which has no caller to throw to. */
    void onSignal() {
        try {
            reload();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
