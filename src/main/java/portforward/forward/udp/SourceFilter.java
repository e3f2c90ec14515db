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
    private String listener; // "udp ADDRESS", made once: the socket is bound before its first read

    SourceFilter(RelayContext context) {
        this.sources = context.sources();
        this.stats = context.events();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet
                && !sources.admits(packet.sender(), listener(ctx))) {
            packet.release();
            stats.dropped(Drop.NOT_ALLOWED, 1);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private String listener(ChannelHandlerContext ctx) {
        if (listener == null) {
            listener = "udp " + Show.address(ctx.channel().localAddress());
        }
        return listener;
    }
}
