package portforward.forward.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import portforward.endpoint.Endpoint;
import portforward.forward.RelayContext;
import portforward.forward.Targets;
import portforward.transport.Transport;

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
        // TCP_NODELAY is Netty's default for both transports; setting it again costs a system call.
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.spec().connectTimeout().toMillis())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, context.transport().streamReads())
                .handler(handler);
        Transport transport = context.transport();
        transport.streamSendBuffer().ifPresent(bytes -> bootstrap.option(ChannelOption.SO_SNDBUF, bytes));
        return context.events().countFailure(
                Targets.connect(bootstrap, target, transport::socketFactory, transport.socketChannel()));
    }
}
