package portforward.hop.secure;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * Puts a secure hop on a channel, and carries a link's half-close, reset and OPEN over it. The
 * layer goes on before the channel is active (in its initializer), first in the pipeline; what
 * is added after it sees only plaintext, and only once {@code ready} has completed.
 */
public final class SecureHop {
    static final String NAME = "secure-hop";
    private static final String FRAMES = "secure-hop-frames";

    private SecureHop() {
    }

    /** The dialling end; {@code agentLink}: this is an agent's pooled link, which waits for OPEN. */
    public static Future<HopReady> initiate(Channel channel, HopSettings settings, boolean agentLink) {
        Frames frames = new Frames();
        return install(channel, frames, new SecureChannel(Handshake.initiator(settings, agentLink, frames), true));
    }

    /** The accepting end of a {@code listen+s} endpoint, whose strangers {@code strangers} keeps count of. */
    public static Future<HopReady> respond(Channel channel, HopSettings settings, Strangers strangers) {
        Frames frames = new Frames();
        return install(channel, frames, new SecureChannel(Handshake.responder(settings, strangers, frames), false));
    }

    private static Future<HopReady> install(Channel channel, Frames frames, SecureChannel hop) {
        channel.pipeline().addFirst(NAME, hop).addFirst(FRAMES, frames);
        return hop.ready();
    }

    /** Whether {@code channel} carries a secure hop: it cannot be spliced, and its FIN and reset are records. */
    public static boolean isOn(Channel channel) {
        return channel.pipeline().get(NAME) != null;
    }

    /** Ends this side's output: a FIN record, once what was written before it has gone. */
    public static ChannelFuture shutdownOutput(Channel channel) {
        return channel.writeAndFlush(SecureChannel.Control.FIN);
    }

    /**
     * Aborts the link: a RST record, then the connection closes. A hop that can no longer write
     * records (a record failed to open) is closed with a TCP reset instead.
     */
    public static void abort(Channel channel) {
        SecureChannel hop = (SecureChannel) channel.pipeline().get(NAME);
        if (hop == null || hop.isBroken() || !hop.isReady()) {
            if (channel.isActive()) {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            channel.close();
            return;
        }
        channel.writeAndFlush(SecureChannel.Control.RST).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The responder's side of reuse: the link over {@code channel} ended cleanly both ways, so the
     * connection is told IDLE and waits for the next OPEN, keys going on.
     */
    public static ChannelFuture idle(Channel channel) {
        hop(channel).resetStream();
        return channel.writeAndFlush(SecureChannel.Control.IDLE);
    }

    /**
     * The initiator's side of reuse: the link over {@code channel} ended cleanly both ways; once
     * the responder says IDLE, {@code then} runs (on the channel's loop) and OPEN may follow.
     */
    public static void whenIdle(Channel channel, Runnable then) {
        SecureChannel hop = hop(channel);
        hop.resetStream();
        hop.whenPeerIdle(then);
    }

    private static SecureChannel hop(Channel channel) {
        return (SecureChannel) channel.pipeline().get(NAME);
    }

    /** Tells an agent's pooled link that it has been paired with {@code client}: dial now. */
    public static ChannelFuture open(Channel channel, SocketAddress client) {
        Optional<InetSocketAddress> address = client instanceof InetSocketAddress inet ? Optional.of(inet)
                : Optional.empty();
        return channel.writeAndFlush(new SecureChannel.Open(address));
    }
}
