package portforward.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.function.Function;
import portforward.endpoint.Endpoint;

/** Connects to a conn: endpoint the same way for TCP and UDP. */
public final class Targets {
    private Targets() {
    }

    /**
     * Connects {@code bootstrap} to {@code target}. A literal address is parsed, never looked up,
     * and gets a socket of its own family from {@code ofFamily} (an IPv4 target, an IPv4 socket);
     * a name is looked up at each connect, so that a changed DNS record takes effect, and gets a
     * socket of class {@code anyFamily}.
     */
    public static ChannelFuture connect(Bootstrap bootstrap, Endpoint target,
            Function<InetAddress, ? extends ChannelFactory<? extends Channel>> ofFamily, Class<? extends Channel> anyFamily) {
        if (target.isLiteral()) {
            try {
                InetSocketAddress address = target.resolve();
                return bootstrap.channelFactory(ofFamily.apply(address.getAddress())).connect(address);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("literal address " + target.address() + " did not parse", e);
            }
        }
        return bootstrap.channel(anyFamily).connect(target.host(), target.port());
    }
}
