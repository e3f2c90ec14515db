package portforward.support;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import portforward.cli.CommandLine;
import portforward.forward.Forwarder;
import portforward.forward.Forwarders;
import portforward.forward.RelayContext;
import portforward.forward.RelayStats;
import portforward.forward.StartException;
import portforward.transport.Transport;

/**
 * A relay started in-process from the same words a user types, on the given transport.
 * Listen ports of 0 are bound by the OS; {@link #port(int)} reads them back.
 */
public final class TestRelay implements AutoCloseable {
    private final EventLoopGroup group;
    private final RelayContext context;
    private final Forwarder forwarder;

    private TestRelay(EventLoopGroup group, RelayContext context, Forwarder forwarder) {
        this.group = group;
        this.context = context;
        this.forwarder = forwarder;
    }

    public static TestRelay start(Transport transport, String... args) throws Exception {
        CommandLine.Parsed parsed = new CommandLine().parse(args);
        EventLoopGroup group = transport.newGroup(2);
        RelayContext context = new RelayContext(parsed.spec(), transport, group);
        Forwarder forwarder = Forwarders.of(context);
        try {
            forwarder.start();
        } catch (StartException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
            throw e;
        }
        return new TestRelay(group, context, forwarder);
    }

    /** As {@link #start(Transport, String...)}, with {@code options} before {@code words}. */
    public static TestRelay start(Transport transport, String[] options, String... words) throws Exception {
        String[] args = Arrays.copyOf(options, options.length + words.length);
        System.arraycopy(words, 0, args, options.length, words.length);
        return start(transport, args);
    }

    /** A tcp listen-conn relay on 127.0.0.1 forwarding to {@code targetPort} on 127.0.0.1. */
    public static TestRelay forward(Transport transport, int targetPort) throws Exception {
        return start(transport, "tcp", "listen:127.0.0.1:0", "conn:127.0.0.1:" + targetPort);
    }

    /** The bound address of the i-th listen endpoint, in the order they were written. */
    public InetSocketAddress address(int i) {
        return forwarder.boundAddresses().get(i);
    }

    /** The running relay itself, for a test that asks a mode about its state. */
    public Forwarder forwarder() {
        return forwarder;
    }

    public int port(int i) {
        return address(i).getPort();
    }

    /** The relay's shared state, for tests that look inside (open link channels). */
    public RelayContext context() {
        return context;
    }

    /** The open link channel whose remote end has port {@code remotePort}: a client's, or the target's. */
    public Channel linkChannel(int remotePort) {
        return context.linkChannels().stream()
                .filter(ch -> ((InetSocketAddress) ch.remoteAddress()).getPort() == remotePort)
                .findFirst().orElseThrow(() -> new AssertionError("no link channel to port " + remotePort));
    }

    /**
     * Waits until the relay's counters satisfy {@code condition}; fails naming {@code what} and
     * showing every counter if they do not within 20 s.
     */
    public RelayStats await(String what, Predicate<RelayStats> condition) throws InterruptedException {
        RelayStats events = context.events();
        if (!events.awaitUntil(condition, Duration.ofSeconds(20))) {
            throw new AssertionError("no " + what + " within 20 s; " + events);
        }
        return events;
    }

    public RelayStats events() {
        return context.events();
    }

    public int port() {
        return port(0);
    }

    @Override
    public void close() {
        forwarder.stop(Duration.ofMillis(200)).awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
