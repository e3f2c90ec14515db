package portforward.forward.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import portforward.endpoint.Endpoint;
import portforward.forward.RelayContext;
import portforward.forward.Targets;
import portforward.hop.secure.HopException;
import portforward.hop.secure.SecureHop;
import portforward.transport.Transport;

/**
 * Opens outbound TCP connections on a given event loop, with the options every link uses, and
 * the target's layers on them: the future completes once the connection is up and, for a
 * {@code conn+s} target, the secure hop's handshake is done. Toward a {@code conn+s} target a
 * dial waits for its turn first ({@link portforward.forward.HandshakeTurns}).
 */
final class Dialer {
    private Dialer() {
    }

    /** The new channel reads nothing until it is joined to a link. */
    static Future<Channel> dial(RelayContext context, EventLoop loop, Endpoint target) {
        return dial(context, loop, target, false, null);
    }

    /**
     * As above, with {@code handler} (if not null) in the pipeline from the start, before anything
     * can be read. {@code agentLink}: an agent's pooled link, which over a secure hop waits for OPEN.
     */
    static Future<Channel> dial(RelayContext context, EventLoop loop, Endpoint target, boolean agentLink,
            ChannelHandler handler) {
        return target.isSecure()
                ? context.handshakeTurns().run(loop, () -> connect(context, loop, target, agentLink, handler))
                : connect(context, loop, target, agentLink, handler);
    }

    /** Connects, then (conn+s) has the handshake done; the future completes either way. */
    private static Future<Channel> connect(RelayContext context, EventLoop loop, Endpoint target, boolean agentLink,
            ChannelHandler handler) {
        Promise<Channel> done = loop.newPromise();
        // TCP_NODELAY is Netty's default for both transports; setting it again costs a system call.
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.spec().connectTimeout().toMillis())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, context.transport().streamReads())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (handler != null) {
                            ch.pipeline().addLast(handler);
                        }
                        if (target.isSecure()) {
                            SecureHop.initiate(ch, context.hop(), agentLink).addListener(ready -> {
                                context.events().handshake(ready.isSuccess());
                                if (ready.isSuccess()) {
                                    done.trySuccess(ch);
                                } else {
                                    done.tryFailure(new HopException("secure hop: " + ready.cause().getMessage()));
                                }
                            });
                        }
                    }
                });
        Transport transport = context.transport();
        transport.streamSendBuffer().ifPresent(bytes -> bootstrap.option(ChannelOption.SO_SNDBUF, bytes));
        ChannelFuture connected = context.events().countFailure(
                Targets.connect(bootstrap, target, transport::socketFactory, transport.socketChannel()));
        connected.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                done.tryFailure(f.cause());
            } else if (!target.isSecure()) {
                done.trySuccess(f.channel());
            }
        });
        return done;
    }
}
