package portforward.hop;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Who a connection really serves, where a layer learned it: the client and the address it
 * connected to, from a load balancer's PROXY header ({@code listen+pp}), or the client alone,
 * from the secure hop's OPEN. Without either, the connection's own peer and local address.
 */
public record ClientAddress(InetSocketAddress client, Optional<InetSocketAddress> connectedTo) {
    private static final AttributeKey<ClientAddress> KEY = AttributeKey.valueOf("portforward.client");

    public static void set(Channel channel, ClientAddress address) {
        channel.attr(KEY).set(address);
    }

    /** The client an OPEN named, or none: a kept connection forgets the client of its last link. */
    public static void opened(Channel channel, Optional<InetSocketAddress> client) {
        channel.attr(KEY).set(client.map(c -> new ClientAddress(c, Optional.empty())).orElse(null));
    }

    /** What a layer learned of {@code channel}'s client, or its own peer and local address. */
    public static ClientAddress of(Channel channel) {
        ClientAddress learned = channel.attr(KEY).get();
        if (learned != null) {
            return learned;
        }
        return new ClientAddress((InetSocketAddress) channel.remoteAddress(),
                Optional.ofNullable((InetSocketAddress) channel.localAddress()));
    }

    /** Whether a layer told the address, rather than the socket. */
    public static boolean learned(Channel channel) {
        return channel.attr(KEY).get() != null;
    }
}
