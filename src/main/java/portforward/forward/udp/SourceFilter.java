package portforward.forward.udp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import portforward.forward.AllowedSources;
import portforward.forward.RelayContext;
import portforward.forward.RelayStats;
import portforward.forward.RelayStats.Drop;
import portforward.forward.Show;

/**
 * {@code --allow-from} on a UDP listener: a datagram from any other source is dropped before it
 * opens a session or is copied, counted as not_allowed, and said at most once per source per 10 s.
 */
final class SourceFilter extends ChannelInboundHandlerAdapter {
    private final AllowedSources sources;
    private final RelayStats stats;

    SourceFilter(RelayContext context) {
        this.sources = context.sources();
        this.stats = context.events();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet
                && !sources.admits(packet.sender(), "udp " + Show.address(ctx.channel().localAddress()))) {
            packet.release();
            stats.dropped(Drop.NOT_ALLOWED, 1);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
