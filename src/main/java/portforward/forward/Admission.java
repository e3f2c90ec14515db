package portforward.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import java.util.concurrent.atomic.AtomicInteger;
import portforward.endpoint.Endpoint;
import portforward.forward.RelayStats.Refusal;
import portforward.hop.proxy.ProxyHeaderReader;

/**
 * Who gets past one TCP listener's accept: a source in --allow-from, while fewer than
 * --max-links connections are open on it; a refused connection is closed before its mode sees it,
 * and counted. On {@code listen+pp} the allow-list is asked once the PROXY header has named the
 * client, and a connection without a valid header is closed.
 */
final class Admission extends ChannelInitializer<Channel> {
    private final RelayContext context;
    private final Endpoint endpoint;
    private final ChannelHandler next;
    private final AllowedSources sources;
    private final int maxLinks;
    /** Connections open on this listener, from accept to close; touched by every child loop. */
    private final AtomicInteger open = new AtomicInteger();

    Admission(RelayContext context, Endpoint endpoint, ChannelHandler next) {
        this.context = context;
        this.endpoint = endpoint;
        this.next = next;
        this.sources = context.sources();
        this.maxLinks = context.spec().access().maxLinks();
    }

    /** Whether a listener needs this at all: with no access option and no +pp, the mode's handler goes in alone. */
    static ChannelHandler around(RelayContext context, Endpoint endpoint, ChannelHandler next) {
        boolean needed = context.sources().restricted() || context.spec().access().maxLinks() > 0
                || endpoint.readsProxyHeader();
        return needed ? new Admission(context, endpoint, next) : next;
    }

    /** "tcp ADDRESS" for refusal lines, made at the first one: it is the same for every connection. */
    private volatile String label;

    @Override
    protected void initChannel(Channel ch) {
        String listener = label(ch);
        if (!endpoint.readsProxyHeader() && !sources.admits(ch.remoteAddress(), listener)) {
            refuse(ch, Refusal.NOT_ALLOWED);
            return;
        }
        if (maxLinks > 0) {
            if (open.incrementAndGet() > maxLinks) {
                open.decrementAndGet();
                sources.refused(ch.remoteAddress(), listener, "--max-links " + maxLinks + " open already");
                refuse(ch, Refusal.MAX_LINKS);
                return;
            }
            context.events().limitedOpen(1);
            ch.closeFuture().addListener((ChannelFutureListener) closed -> {
                open.decrementAndGet();
                context.events().limitedOpen(-1);
            });
        }
        if (endpoint.readsProxyHeader()) {
            ch.pipeline().addLast("proxy-header", new ProxyHeaderReader(
                    client -> sources.admits(client, listener) || refuse(ch, Refusal.NOT_ALLOWED),
                    why -> {
                        sources.refused(ch.remoteAddress(), listener, "PROXY header " + why);
                        refuse(ch, Refusal.BAD_PROXY_HEADER);
                    }));
        }
        ch.pipeline().addLast(next);
    }

    private String label(Channel ch) {
        String made = label;
        if (made == null) {
            made = "tcp " + Show.address(ch.localAddress()); // racing loops make the same text
            label = made;
        }
        return made;
    }

    /** Counts why and closes {@code ch} at once; false, for the allow-list's answer. */
    private boolean refuse(Channel ch, Refusal why) {
        context.events().refuse(why); // first: whoever sees the close finds it counted
        ch.close();
        return false;
    }
}
