package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.Forwarder;
import portforward.forward.Listeners;
import portforward.forward.RelayContext;
import portforward.forward.Show;
import portforward.forward.StartException;
import portforward.hop.secure.SecureHop;
import portforward.hop.secure.Strangers;

/** tcp listen-conn: every accepted connection gets its own new connection to the target. */
public final class TcpListenConnect implements Forwarder {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");

    private final RelayContext context;
    private final Endpoint listen;
    private final Endpoint target;
    private final Optional<Strangers> strangers;
    private Channel server;

    public TcpListenConnect(RelayContext context, Endpoint listen, Endpoint target) {
        this.context = context;
        this.listen = listen;
        this.target = target;
        this.strangers = listen.isSecure() ? Optional.of(new Strangers(listen.toString())) : Optional.empty();
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

    /** The refusals and acceptances of a {@code listen+s} endpoint; empty for a plain one. */
    public Optional<Strangers> strangers() {
        return strangers;
    }

    @Override
    public Future<?> stop(Duration grace) {
        return Stopping.stop(context, List.of(server), grace);
    }

    private ChannelInitializer<Channel> dialOnAccept() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                Dialling dialling = new Dialling();
                ch.pipeline().addLast("holding", dialling);
                if (strangers.isPresent()) {
                    SecureHop.respond(ch, context.hop(), strangers.get()).addListener(ready -> {
                        if (ready.isSuccess()) {
                            dialling.start();
                        }
                    });
                }
            }
        };
    }

    /**
     * Holds what the client sends while its target is dialled; accepting never waits for this.
     * Over a secure hop, dialling starts once the peer has proved the secret.
     */
    private final class Dialling extends Holding {
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (!listen.isSecure()) {
                start();
            }
            ctx.fireChannelActive();
        }

        void start() {
            ctx.channel().config().setAutoRead(true);
            Joining.dialAndJoin(context, this, ctx, target, "client");
        }
    }
}
