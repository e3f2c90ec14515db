package portforward.forward;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.buffer.Unpooled;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.ChannelGroupFutureListener;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.concurrent.atomic.AtomicLong;
import portforward.endpoint.RelaySpec;
import portforward.hop.secure.HopSettings;
import portforward.hop.secure.udp.DatagramHopSettings;
import portforward.transport.Transport;

/** What every mode shares: the spec, the transport, the event loops, and the open links. */
public final class RelayContext {
    private final RelaySpec spec;
    private final Transport transport;
    private final EventLoopGroup group;
    private final ChannelGroup linkChannels = new DefaultChannelGroup("links", GlobalEventExecutor.INSTANCE);
    private final AtomicLong linkIds = new AtomicLong();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final RelayStats events = new RelayStats();
    private final Optional<String> name;
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final AllowedSources sources;
    private final Optional<RateLimit> rateLimit;
    private final HandshakeTurns handshakeTurns = new HandshakeTurns(HandshakeTurns.IN_FLIGHT, events);

    public RelayContext(RelaySpec spec, Transport transport, EventLoopGroup group) {
        this(spec, transport, group, Optional.empty());
    }

    /** {@code name}: the forward's name in a process running several, which its log lines then carry. */
    public RelayContext(RelaySpec spec, Transport transport, EventLoopGroup group, Optional<String> name) {
        this.spec = spec;
        this.transport = transport;
        this.group = group;
        this.name = name;
        this.sources = AllowedSources.of(this);
        this.rateLimit = spec.access().rateLimited()
                ? Optional.of(new RateLimit(group.next(), spec.access().rateLimit())) : Optional.empty();
    }

    /** The sources this forward's listeners accept (--allow-from). */
    public AllowedSources sources() {
        return sources;
    }

    /** The cap on this forward's links (--rate-limit), if it has one. */
    public Optional<RateLimit> rateLimit() {
        return rateLimit;
    }

    /** {@code base} itself for the one forward of a command line; for a named forward, one that names it. */
    public Logger log(Logger base) {
        if (name.isEmpty()) {
            return base;
        }
        return loggers.computeIfAbsent(base.getName(), n -> new ForwardLogger(base, name.get()));
    }

    public RelaySpec spec() {
        return spec;
    }

    /** What the secure hop of a {@code +s} endpoint runs with; only asked for where one is. */
    public HopSettings hop() {
        return new HopSettings(spec.requireSecret(), spec.heartbeat());
    }

    /** What the secure hop of a {@code +s} UDP endpoint runs with; only asked for where one is. */
    public DatagramHopSettings datagramHop() {
        return new DatagramHopSettings(hop(), spec.rekey(), spec.rekeyDatagrams());
    }

    /** Turns for the handshakes this forward starts toward its +s target. */
    public HandshakeTurns handshakeTurns() {
        return handshakeTurns;
    }

    public Transport transport() {
        return transport;
    }

    public EventLoopGroup group() {
        return group;
    }

    /**
     * What this relay has done so far, as counters that tests and metrics read. Each event is
     * counted after its log line is written, so whoever waits for the event also finds the line.
     */
    public RelayStats events() {
        return events;
    }

    public long nextLinkId() {
        return linkIds.incrementAndGet();
    }

    /** Tracks a link's channel so that shutdown can close it; closed channels leave by themselves. */
    public void track(Channel channel) {
        linkChannels.add(channel);
    }

    /**
     * Marks the relay as stopping and lets every open link finish: what was relayed so far is
     * flushed, then each channel closes.
     */
    public ChannelGroupFuture closeLinks() {
        stopping.set(true);
        rateLimit.ifPresent(RateLimit::release);
        return linkChannels.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(
                (ChannelGroupFutureListener) written -> linkChannels.close());
    }

    public ChannelGroup linkChannels() {
        return linkChannels;
    }

    public boolean stopping() {
        return stopping.get();
    }
}
