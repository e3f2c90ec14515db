package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.Forwarder;
import portforward.forward.Listeners;
import portforward.forward.LogEvent;
import portforward.forward.RelayContext;
import portforward.forward.Show;
import portforward.forward.StartException;
import portforward.hop.secure.HopReady;
import portforward.hop.secure.SecureHop;
import portforward.hop.secure.Strangers;

/**
 * tcp listen-listen, the rendezvous relay: connections on the two listeners are paired in order
 * of arrival. Both listeners and all their connections share one event loop, which keeps pairing
 * free of locks and lets each pair relay on the loop it already lives on.
 */
public final class TcpListenListen implements Forwarder {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");

    private final RelayContext context;
    private final EventLoop loop;
    private final PairingQueue queue;
    private final List<Optional<Strangers>> strangers;
    private Channel first;
    private Channel second;

    public TcpListenListen(RelayContext context) {
        this.context = context;
        this.loop = context.group().next();
        this.queue = new PairingQueue(context);
        this.strangers = List.of(strangersOf(context, context.spec().first()), strangersOf(context, context.spec().second()));
    }

    private static Optional<Strangers> strangersOf(RelayContext context, Endpoint listen) {
        return listen.isSecure() ? Optional.of(new Strangers(listen.toString(), context.log(Strangers.LOG))) : Optional.empty();
    }

    @Override
    public void start() throws StartException {
        first = Listeners.bindTcp(context, context.spec().first(), loop, arrivals(0));
        try {
            second = Listeners.bindTcp(context, context.spec().second(), loop, arrivals(1));
        } catch (StartException e) {
            first.close();
            throw e;
        }
        LogEvent.info(context.log(LOG), "listening", () -> Map.of("protocol", "tcp", "address", Show.address(first.localAddress()),
                "address2", Show.address(second.localAddress())), () -> "listening on tcp " + Show.address(first.localAddress()) + " and "
                + Show.address(second.localAddress()) + ", pairing connections in order of arrival");
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return List.of((InetSocketAddress) first.localAddress(), (InetSocketAddress) second.localAddress());
    }

    /** The refusals and acceptances of listener {@code side} (0 or 1) if it is {@code listen+s}; else empty. */
    public Optional<Strangers> strangers(int side) {
        return strangers.get(side);
    }

    @Override
    public List<Strangers> secureListeners() {
        return strangers.stream().flatMap(Optional::stream).toList();
    }

    @Override
    public Future<?> stopListening() {
        io.netty.util.concurrent.Promise<Void> closed = loop.newPromise();
        first.close().addListener(a -> second.close().addListener(b -> closed.trySuccess(null)));
        return closed;
    }

    @Override
    public Future<?> stop(Duration grace) {
        return Stopping.stop(context, List.of(first, second), grace);
    }

    /**
     * Queues each connection on arrival; over a secure hop, once its peer has proved the secret,
     * so that a stranger never takes a place in the queue.
     */
    private ChannelInitializer<Channel> arrivals(int side) {
        Optional<Strangers> secure = strangers.get(side);
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                context.track(ch);
                if (secure.isEmpty()) {
                    ch.pipeline().addLast(new Arrival(side));
                    return;
                }
                SecureHop.respond(ch, context.hop(), secure.get()).addListener((FutureListener<HopReady>) ready -> {
                    if (ready.isSuccess() && ch.isActive()) {
                        queue.arrived(ch, side, ready.getNow().agentLink());
                    }
                });
            }
        };
    }

    private final class Arrival extends ChannelInboundHandlerAdapter {
        private final int side;

        Arrival(int side) {
            this.side = side;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.pipeline().remove(this);
            queue.arrived(ctx.channel(), side, false);
        }
    }
}
