package portforward.forward.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import portforward.endpoint.Endpoint;
import portforward.forward.RelayContext;

/** Opens outbound TCP connections on a given event loop, with the options every link uses. */
final class Dialer {
    private Dialer() {
    }

    /** The new channel reads nothing until it is joined to a link. */
    static ChannelFuture dial(RelayContext context, EventLoop loop, Endpoint target) {
        return dial(context, loop, target, new ChannelInboundHandlerAdapter());
    }

    /** As above, with {@code handler} in the pipeline from the start, before anything can be read. */
    static ChannelFuture dial(RelayContext context, EventLoop loop, Endpoint target, ChannelHandler handler) {
        return new Bootstrap()
                .group(loop)
                .channel(context.transport().socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.spec().connectTimeout().toMillis())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(handler)
                .connect(target.host(), target.port());
    }
}
