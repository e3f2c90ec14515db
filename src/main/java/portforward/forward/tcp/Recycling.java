package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.function.Consumer;

/**
 * What becomes of a secure connection whose link ended cleanly both ways: it is handed back for
 * another link instead of being closed, so the next client costs no handshake. Only secure hops
 * between two portforwards that both take part are recycled; everything else closes as before.
 */
final class Recycling {
    private static final AttributeKey<Consumer<Channel>> RECYCLE = AttributeKey.valueOf("portforward.recycle");

    private Recycling() {
    }

    /** {@code then} takes {@code channel} over when its next link ends cleanly. */
    static void on(Channel channel, Consumer<Channel> then) {
        channel.attr(RECYCLE).set(then);
    }

    static boolean has(Channel channel) {
        return channel.hasAttr(RECYCLE) && channel.attr(RECYCLE).get() != null;
    }

    /**
     * Hands {@code channel}, whose link just ended cleanly, to its recycler; false when it has
     * none or is closed, and the link closes it.
     */
    static boolean recycle(Channel channel) {
        Consumer<Channel> then = channel.hasAttr(RECYCLE) ? channel.attr(RECYCLE).getAndSet(null) : null;
        if (then == null || !channel.isActive()) {
            return false;
        }
        if (channel.pipeline().get("relay") != null) {
            channel.pipeline().remove("relay");
        }
        then.accept(channel);
        return true;
    }
}
