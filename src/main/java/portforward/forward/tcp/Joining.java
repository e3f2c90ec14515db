package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.RelayContext;
import portforward.forward.Show;
import portforward.hop.ClientAddress;
import portforward.hop.proxy.ProxyHeaderWriter;
import portforward.hop.socks.SocksLayer;
import portforward.hop.socks.SocksRequest;
import portforward.hop.socks.UdpAssociation;

/**
 * The one place that dials a link's target for a connection that is ready, and joins the two. The
 * target is the mode's conn endpoint, or, for {@code socks}, the one the connection's SOCKS client
 * asks for: a mode picks the way once ({@link #to}) and starts it on each ready connection.
 */
@FunctionalInterface
interface Joining {
    Logger LOG = Logger.getLogger("portforward.tcp");

    /**
     * Dials the target on the loop of {@code holding}'s channel and joins them, handing over what
     * was held meanwhile. {@code side} names the connection in log lines ("client", "relay side").
     */
    void start(Holding holder, ChannelHandlerContext holding, String side);

    /**
     * The way to {@code target}. {@code local}: the connections come straight from clients, who
     * can reach this host's datagram sockets, so a socks target serves UDP ASSOCIATE too.
     */
    static Joining to(RelayContext context, Endpoint target, boolean local) {
        return to(context, target, local, in -> Dialer.dial(context, in.eventLoop(), target));
    }

    /**
     * As above, with a fixed target reached through {@code connect}, given the inbound channel (a
     * secure forward takes a kept connection from its pool).
     */
    static Joining to(RelayContext context, Endpoint target, boolean local, Function<Channel, Future<Channel>> connect) {
        if (!target.isSocks()) {
            return (holder, holding, side) -> dialAndJoin(context, holder, holding, target, side, "", cause -> Link.abort(
                    holding.channel()), bound -> { }, connect.apply(holding.channel()));
        }
        Logger socksLog = context.log(SocksLayer.LOG);
        return (holder, holding, side) -> SocksLayer.serve(holding, context.spec().socks(), local,
                holder.takeHeld(holding), socksLog).addListener((FutureListener<SocksRequest>) asked -> {
                    if (!asked.isSuccess()) {
                        return; // the layer logged why and closed the connection
                    }
                    SocksRequest request = asked.getNow();
                    if (request.isAssociation()) {
                        holder.release(holding).release(); // the TCP connection only keeps it alive
                        context.track(holding.channel()); // so that shutdown closes it, and the association with it
                        UdpAssociation.start(context.transport(), holding.channel(), request, context.spec().socks(),
                                socksLog);
                        return;
                    }
                    dialAndJoin(context, holder, holding, request.target(), side, " via socks to " + request.asked(),
                            request::failed, request::connected,
                            Dialer.dial(context, holding.channel().eventLoop(), request.target()));
                });
    }

    /**
     * Joins the connection that {@code dialling} makes. If the target cannot be reached, {@code unreachable} tells the connection (a reset, or a SOCKS
     * reply); once it is, {@code reached} gets the address the target was dialled from.
     */
    private static void dialAndJoin(RelayContext context, Holding holder, ChannelHandlerContext holding, Endpoint target,
            String side, String via, Consumer<Throwable> unreachable, Consumer<InetSocketAddress> reached,
            Future<Channel> dialling) {
        Channel in = holding.channel();
        long id = context.nextLinkId();
        long started = System.nanoTime();
        dialling.addListener((FutureListener<Channel>) dialed -> {
            if (!dialed.isSuccess()) {
                context.log(LOG).warning(() -> "link " + id + " closed (target " + target.address() + via + ": " + Show.cause(dialed.cause())
                        + ") after " + Show.seconds(System.nanoTime() - started) + ": " + side + " "
                        + Show.address(in.remoteAddress()));
                unreachable.accept(dialed.cause());
            } else if (!in.isActive()) {
                dialed.getNow().close();
            } else {
                Channel out = dialed.getNow();
                if (target.sendsProxyHeader()) {
                    ProxyHeaderWriter.write(out, target, ClientAddress.of(in));
                }
                reached.accept((InetSocketAddress) out.localAddress());
                Link.join(context, id, in, out, holder.release(holding), Holding.Held.NOTHING, via);
            }
        });
    }
}
