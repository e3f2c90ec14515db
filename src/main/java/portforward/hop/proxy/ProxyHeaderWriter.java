package portforward.hop.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import portforward.endpoint.Endpoint;
import portforward.endpoint.Layer;
import portforward.hop.ClientAddress;

/**
 * {@code conn+pp1}/{@code conn+pp2}: the first bytes a target gets are a PROXY header, encoded by
 * Netty's {@link HAProxyMessageEncoder}, naming the link's client and the address it connected
 * to (where that is unknown, through a relay, the target's own address). The encoder is in the
 * pipeline for that one write only, so what follows is the link's bytes as they are (and may be
 * spliced).
 */
public final class ProxyHeaderWriter {
    private ProxyHeaderWriter() {
    }

    /** Writes the header for {@code client} to {@code target}, which was dialled for {@code endpoint}. Loop thread only. */
    public static void write(Channel target, Endpoint endpoint, ClientAddress client) {
        HAProxyProtocolVersion version = endpoint.layers().contains(Layer.PROXY_V1)
                ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
        InetSocketAddress from = client.client();
        InetSocketAddress to = client.connectedTo().orElse((InetSocketAddress) target.remoteAddress());
        target.pipeline().addFirst("proxy-encoder", HAProxyMessageEncoder.INSTANCE);
        try {
            target.writeAndFlush(message(version, from, to), target.voidPromise());
        } finally {
            target.pipeline().remove("proxy-encoder");
        }
    }

    /**
     * Both addresses must be of one family: where the client came over IPv4 and the target is
     * reached over IPv6 (or the other way round), the IPv4 one is written IPv4-mapped.
     */
    static HAProxyMessage message(HAProxyProtocolVersion version, InetSocketAddress from, InetSocketAddress to) {
        boolean v4 = from.getAddress() instanceof Inet4Address && to.getAddress() instanceof Inet4Address;
        return new HAProxyMessage(version, HAProxyCommand.PROXY,
                v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                text(from.getAddress(), v4), text(to.getAddress(), v4), from.getPort(), to.getPort());
    }

    private static String text(InetAddress address, boolean v4) {
        if (v4 || !(address instanceof Inet4Address)) {
            String text = address.getHostAddress();
            int zone = text.indexOf('%');
            return zone < 0 ? text : text.substring(0, zone);
        }
        return "::ffff:" + address.getHostAddress();
    }
}
