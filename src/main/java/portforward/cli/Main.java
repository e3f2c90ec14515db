package portforward.cli;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import portforward.endpoint.BadInputException;
import portforward.endpoint.Defaults;
import portforward.forward.Show;
import portforward.forward.StartException;
import portforward.hop.Secret;
import portforward.metrics.MetricsServer;
import portforward.hop.secure.Warmup;
import portforward.transport.Transport;

/** The entry point: parse, start, run until SIGINT or SIGTERM. */
public final class Main {
    private static final Logger LOG = Logger.getLogger("portforward");
    /** The {@code forward} label of the one forward a command line describes. */
    static final String FORWARD_NAME = "default";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, new CountDownLatch(1)));
    }

    /**
     * Runs the relay until {@code stop} counts down (main() wires it to SIGINT and SIGTERM).
     * Returns the exit code: 0 after a clean stop, 1 when it could not start, 2 for bad input.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stop) {
        CommandLine commandLine = new CommandLine();
        CommandLine.Parsed parsed;
        try {
            parsed = commandLine.parse(args);
        } catch (BadInputException e) {
            err.println("portforward: " + e.getMessage());
            err.println("Run 'portforward --help' for usage.");
            return 2;
        }
        if (parsed.help()) {
            commandLine.printHelp(out);
            return 0;
        }
        if (parsed.version()) {
            out.println("portforward " + version());
            return 0;
        }
        if (parsed.keygen()) {
            out.println(Secret.generate().keygenLine());
            return 0;
        }
        List<ConfigFile.Forward> forwardList;
        LogSetup.Verbosity verbosity = parsed.verbosity();
        String transportName = parsed.transport();
        Optional<InetSocketAddress> metricsAddress = parsed.metrics();
        String logFormat = parsed.logFormat();
        if (parsed.config().isPresent()) {
            ConfigFile.Config config;
            try {
                config = ConfigFile.read(parsed.config().get(), System.getenv());
            } catch (ConfigFile.BadConfigException e) {
                e.lines().forEach(line -> err.println("portforward: " + line));
                return 2;
            }
            forwardList = config.forwards();
            // The command line's process options win over the file's.
            verbosity = verbosity != LogSetup.Verbosity.NORMAL ? verbosity : config.verbosity().orElse(verbosity);
            transportName = !transportName.equals("auto") ? transportName : config.transport().orElse(transportName);
            metricsAddress = metricsAddress.or(config::metrics);
            logFormat = !logFormat.equals("text") ? logFormat : config.logFormat().orElse(logFormat);
        } else {
            forwardList = List.of(new ConfigFile.Forward(FORWARD_NAME, 0, parsed.spec(), ""));
        }
        LogSetup.configure(verbosity, err, logFormat, parsed.config().isPresent());
        String classData = System.getProperty("portforward.cds"); // the launcher's word on its archive
        if (classData != null) {
            LOG.fine(classData);
        }
        Transport transport;
        try {
            transport = switch (transportName) {
                case "epoll" -> Transport.epoll();
                case "nio" -> Transport.nio();
                default -> Transport.auto();
            };
        } catch (IllegalStateException e) {
            LOG.severe(e.getMessage());
            return 1;
        }
        EventLoopGroup group = transport.newGroup(0);
        try {
            RunningForwards forwards = new RunningForwards(transport, group, parsed.config().isPresent());
            if (forwardList.stream().anyMatch(f -> f.spec().first().isSecure() || f.spec().second().isSecure())) {
                Warmup.start();
            }
            Signals.install(stop, forwards, parsed.config().map(file -> new Reloader(file, System.getenv(), forwards))); // before the first log line a test or script may wait for
            try {
                forwards.startAll(forwardList);
            } catch (StartException e) {
                LOG.severe(e.getMessage());
                return 1;
            }
            LOG.fine(() -> "transport " + transport);
            if (verbosity == LogSetup.Verbosity.QUIET) {
                // The "listening on" lines are INFO; a port the system chose must still be known.
                for (RunningForwards.Running r : forwards.list()) {
                    r.forwarder().boundAddresses().forEach(a -> r.context().log(LogSetup.NOTICE).info(
                            () -> "listening on " + r.forward().spec().protocol().word() + " " + Show.address(a)));
                }
            }
            Optional<MetricsServer> metrics;
            try {
                metrics = serveMetrics(metricsAddress, forwards);
            } catch (IOException e) {
                LOG.severe("cannot serve metrics on " + Show.address(metricsAddress.orElseThrow()) + ": " + Show.cause(e));
                forwards.stopAll(Duration.ZERO);
                return 1;
            }
            stop.await();
            LOG.info("stopping");
            metrics.ifPresent(MetricsServer::close);
            forwards.stopAll(Defaults.SHUTDOWN_GRACE);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(500);
        }
    }

    /** Starts the metrics endpoint if --metrics asked for one, and logs its address at every verbosity. */
    private static Optional<MetricsServer> serveMetrics(Optional<InetSocketAddress> address, RunningForwards forwards)
            throws IOException {
        if (address.isEmpty()) {
            return Optional.empty();
        }
        MetricsServer server = MetricsServer.start(address.get(), forwards::exported, version());
        LogSetup.NOTICE.info(() -> "metrics on http://" + Show.address(server.address()) + "/metrics");
        return Optional.of(server);
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/portforward/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
