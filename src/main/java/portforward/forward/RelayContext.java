package portforward.forward;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.buffer.Unpooled;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.ChannelGroupFutureListener;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import portforward.endpoint.RelaySpec;
import portforward.transport.Transport;

/** What every mode shares: the spec, the transport, the event loops, and the open links. */
public final class RelayContext {
    private final RelaySpec spec;
    private final Transport transport;
    private final EventLoopGroup group;
    private final ChannelGroup linkChannels = new DefaultChannelGroup("links", GlobalEventExecutor.INSTANCE);
    private final AtomicLong linkIds = new AtomicLong();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Counters counters = new Counters();

    public RelayContext(RelaySpec spec, Transport transport, EventLoopGroup group) {
        this.spec = spec;
        this.transport = transport;
        this.group = group;
    }

    public RelaySpec spec() {
        return spec;
    }

    public Transport transport() {
        return transport;
    }

    public EventLoopGroup group() {
        return group;
    }

    public Counters counters() {
        return counters;
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
