package portforward.forward;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;

/** Binds TCP listeners the same way for every mode. */
public final class Listeners {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");

    private Listeners() {
    }

    /**
     * Binds {@code endpoint}; accepted connections start with reading off and half-closure allowed
     * (TCP_NODELAY is Netty's default), and go to {@code childGroup}.
     */
    public static Channel bindTcp(RelayContext context, Endpoint endpoint, EventLoopGroup childGroup,
            ChannelHandler childHandler) throws StartException {
        InetSocketAddress address = resolveListen(endpoint);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(childGroup)
                .channelFactory(context.transport().serverSocketFactory(address.getAddress()))
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, context.transport().streamReads())
                .childHandler(Admission.around(context, endpoint, childHandler));
        context.transport().streamSendBuffer().ifPresent(bytes -> bootstrap.childOption(ChannelOption.SO_SNDBUF, bytes));
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new StartException("cannot listen on " + endpoint.address() + ": " + bindFailure(endpoint, bound.cause()));
        }
        Channel server = bound.channel();
        // Added after the acceptor, which already pauses accepting for a second on an error.
        server.pipeline().addLast(new AcceptErrors(Show.address(server.localAddress()), context.log(LOG)));
        return server;
    }

    /** Why a bind failed, with what to do for the two failures a newcomer meets first. */
    public static String bindFailure(Endpoint endpoint, Throwable cause) {
        String why = Show.cause(cause);
        if (why.contains("permission denied") && endpoint.port() > 0 && endpoint.port() < 1024) {
            return why + " (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
        }
        if (why.contains("cannot assign requested address")) {
            return why + " ('" + endpoint.host() + "' is not an address of this host; `ip -br addr` lists them)";
        }
        return why;
    }

    public static InetSocketAddress resolveListen(Endpoint endpoint) throws StartException {
        try {
            return endpoint.resolve();
        } catch (UnknownHostException e) {
            throw new StartException("cannot listen on " + endpoint.address() + ": host name '"
                    + endpoint.host() + "' does not resolve");
        }
    }

    private static final class AcceptErrors extends ChannelInboundHandlerAdapter {
        private final String address;
        private final Logger log;

        AcceptErrors(String address, Logger log) {
            this.address = address;
            this.log = log;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warning(() -> "accept on " + address + " failed: " + Show.cause(cause)
                    + "; pausing accepts for 1 s");
        }
    }
}
