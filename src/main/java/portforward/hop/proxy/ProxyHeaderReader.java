package portforward.hop.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import portforward.forward.Show;
import portforward.hop.ClientAddress;

/**
 * {@code listen+pp}: the connection's first bytes must be a PROXY header, v1 or v2, decoded by
 * Netty's {@link HAProxyMessageDecoder} in front of this handler. Until it has come, the mode
 * behind sees nothing, not even that the connection is active, so it dials no target for it;
 * then the header's client is the connection's {@link ClientAddress}, and the bytes after the
 * header follow as they came. Missing (other bytes), malformed, cut short by a FIN or not complete
 * within {@link #DEADLINE_SECONDS}: the connection is closed and {@code bad} told why.
 */
public final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {
    /** A load balancer writes the header with the connection's first bytes; a client that sends none in time is not one. */
    public static final int DEADLINE_SECONDS = 10;

    private final Predicate<InetSocketAddress> admits;
    private final Consumer<String> bad;
    private ScheduledFuture<?> deadline;
    private boolean done;

    /** {@code admits}: asked for the header's client, and closes the connection itself when it says no. */
    public ProxyHeaderReader(Predicate<InetSocketAddress> admits, Consumer<String> bad) {
        this.admits = admits;
        this.bad = bad;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addBefore(ctx.name(), "proxy-decoder", new HAProxyMessageDecoder());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(true);
        deadline = ctx.executor().schedule(() -> fail(ctx, "not complete within " + DEADLINE_SECONDS + " s"),
                DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ReferenceCountUtil.release(msg); // only after a failure, from what the decoder still held
            return;
        }
        try {
            if (done) {
                return;
            }
            done = true;
            deadline.cancel(false);
            ClientAddress client = client(ctx, header);
            ClientAddress.set(ctx.channel(), client);
            if (!admits.test(client.client())) {
                return;
            }
        } finally {
            header.release();
        }
        // The decoder leaves the pipeline once this returns and hands on what followed the header.
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    /**
     * LOCAL (a balancer's health check) and UNKNOWN carry no client: the spec says to use the
     * connection's own addresses then.
     */
    private static ClientAddress client(ChannelHandlerContext ctx, HAProxyMessage header) {
        if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null
                || header.proxiedProtocol() == HAProxyProxiedProtocol.UNKNOWN
                || header.proxiedProtocol().addressFamily() == HAProxyProxiedProtocol.AddressFamily.AF_UNIX) {
            return ClientAddress.of(ctx.channel());
        }
        InetSocketAddress from = new InetSocketAddress(literal(header.sourceAddress()), header.sourcePort());
        InetSocketAddress to = new InetSocketAddress(literal(header.destinationAddress()), header.destinationPort());
        return new ClientAddress(from, Optional.of(to));
    }

    private static java.net.InetAddress literal(String address) {
        try {
            return java.net.InetAddress.getByName(address); // the decoder checked it is a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            fail(ctx, "cut short (FIN before its end)");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, "malformed or missing: " + Show.cause(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, "missing (closed before it came)");
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        if (done) {
            return;
        }
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.close();
        bad.accept(why);
    }
}
