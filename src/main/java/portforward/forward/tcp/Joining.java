package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import java.util.function.Function;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.RelayContext;
import portforward.forward.Show;

/** The one place that dials a link's target for a connection that is ready, and joins the two. */
final class Joining {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");

    private Joining() {
    }

    /**
     * Dials {@code target} on the loop of {@code holding}'s channel and joins them, handing over
     * what was held meanwhile; if the target cannot be reached, the connection is aborted so that
     * its client sees a reset. {@code side} names the connection in log lines ("client", "relay side").
     */
    static void dialAndJoin(RelayContext context, Holding holder, ChannelHandlerContext holding, Endpoint target,
            String side) {
        dialAndJoin(context, holder, holding, target, side, in -> Dialer.dial(context, in.eventLoop(), target));
    }

    /** As above, with the connection to the target from {@code connect} (given the inbound channel). */
    static void dialAndJoin(RelayContext context, Holding holder, ChannelHandlerContext holding, Endpoint target,
            String side, Function<Channel, Future<Channel>> connect) {
        Channel in = holding.channel();
        long id = context.nextLinkId();
        long started = System.nanoTime();
        connect.apply(in).addListener((FutureListener<Channel>) dialed -> {
            if (!dialed.isSuccess()) {
                LOG.warning(() -> "link " + id + " closed (target " + target.address() + ": " + Show.cause(dialed.cause())
                        + ") after " + Show.seconds(System.nanoTime() - started) + ": " + side + " "
                        + Show.address(in.remoteAddress()));
                Link.abort(in);
            } else if (!in.isActive()) {
                dialed.getNow().close();
            } else {
                Link.join(context, id, in, dialed.getNow(), holder.release(holding), Holding.Held.NOTHING);
            }
        });
    }

}
