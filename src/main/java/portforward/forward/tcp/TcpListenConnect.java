package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.Forwarder;
import portforward.forward.Listeners;
import portforward.forward.RelayContext;
import portforward.forward.Show;
import portforward.forward.StartException;

/** tcp listen-conn: every accepted connection gets its own new connection to the target. */
public final class TcpListenConnect implements Forwarder {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");

    private final RelayContext context;
    private final Endpoint listen;
    private final Endpoint target;
    private Channel server;

    public TcpListenConnect(RelayContext context, Endpoint listen, Endpoint target) {
        this.context = context;
        this.listen = listen;
        this.target = target;
    }

    @Override
    public void start() throws StartException {
        server = Listeners.bindTcp(context, listen, context.group(), dialOnAccept());
        LOG.info(() -> "listening on tcp " + Show.address(server.localAddress()) + ", forwarding to " + target.address());
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return List.of((InetSocketAddress) server.localAddress());
    }

    @Override
    public Future<?> stop(Duration grace) {
        return Stopping.stop(context, List.of(server), grace);
    }

    private ChannelInitializer<Channel> dialOnAccept() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("holding", new Dialling());
            }
        };
    }

    /** Holds what the client sends while its target is dialled; accepting never waits for this. */
    private final class Dialling extends Holding {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel in = ctx.channel();
            long id = context.nextLinkId();
            long started = System.nanoTime();
            in.config().setAutoRead(true);
            Dialer.dial(context, in.eventLoop(), target).addListener((ChannelFutureListener) dialed -> {
                if (!dialed.isSuccess()) {
                    LOG.warning(() -> "link " + id + " closed (target " + target.address() + ": "
                            + Show.cause(dialed.cause()) + ") after " + Show.seconds(System.nanoTime() - started)
                            + ": client " + Show.address(in.remoteAddress()));
                    Link.abort(in);
                } else if (!in.isActive()) {
                    dialed.channel().close();
                } else {
                    Link.join(context, id, in, dialed.channel(), release(ctx), Holding.Held.NOTHING);
                }
            });
            ctx.fireChannelActive();
        }
    }
}
