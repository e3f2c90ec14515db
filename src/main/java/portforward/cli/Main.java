package portforward.cli;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import portforward.endpoint.BadInputException;
import portforward.endpoint.Defaults;
import portforward.forward.Forwarder;
import portforward.forward.Forwarders;
import portforward.forward.RelayContext;
import portforward.forward.Show;
import portforward.forward.StartException;
import portforward.hop.Secret;
import portforward.metrics.Exported;
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
        LogSetup.configure(parsed.verbosity(), err);
        String classData = System.getProperty("portforward.cds"); // the launcher's word on its archive
        if (classData != null) {
            LOG.fine(classData);
        }
        Transport transport;
        try {
            transport = switch (parsed.transport()) {
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
            RelayContext context = new RelayContext(parsed.spec(), transport, group);
            if (parsed.spec().first().isSecure() || parsed.spec().second().isSecure()) {
                Warmup.start();
            }
            Forwarder forwarder = Forwarders.of(context);
            Signals.install(stop, context); // before the first log line a test or script may wait for
            try {
                forwarder.start();
            } catch (StartException e) {
                LOG.severe(e.getMessage());
                return 1;
            }
            LOG.fine(() -> "transport " + transport);
            Optional<MetricsServer> metrics;
            try {
                metrics = serveMetrics(parsed, List.of(new Exported(FORWARD_NAME, context.events(),
                        forwarder.secureListeners())));
            } catch (IOException e) {
                LOG.severe("cannot serve metrics on " + Show.address(parsed.metrics().orElseThrow()) + ": " + Show.cause(e));
                forwarder.stop(Duration.ZERO);
                return 1;
            }
            if (parsed.verbosity() == LogSetup.Verbosity.QUIET) {
                // The "listening on" lines are INFO; a port the system chose must still be known.
                forwarder.boundAddresses().forEach(a -> LogSetup.NOTICE.info(
                        () -> "listening on " + parsed.spec().protocol().word() + " " + Show.address(a)));
            }
            stop.await();
            LOG.info("stopping");
            metrics.ifPresent(MetricsServer::close);
            forwarder.stop(Defaults.SHUTDOWN_GRACE).await(Defaults.SHUTDOWN_GRACE.toMillis() + 200);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(500);
        }
    }

    /** Starts the metrics endpoint if --metrics asked for one, and logs its address at every verbosity. */
    private static Optional<MetricsServer> serveMetrics(CommandLine.Parsed parsed, List<Exported> forwards)
            throws IOException {
        if (parsed.metrics().isEmpty()) {
            return Optional.empty();
        }
        MetricsServer server = MetricsServer.start(parsed.metrics().get(), () -> forwards, version());
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
