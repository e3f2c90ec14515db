package portforward.forward;

import java.util.function.Function;
import portforward.endpoint.Endpoint;
import portforward.endpoint.RelaySpec;
import portforward.forward.tcp.TcpConnConnect;
import portforward.forward.tcp.TcpListenConnect;
import portforward.forward.tcp.TcpListenListen;
import portforward.forward.udp.UdpConnConnect;
import portforward.forward.udp.UdpListenConnect;
import portforward.forward.udp.UdpListenListen;

/**
 * Picks the mode from the (role, role) pair, once for both protocols: each protocol names its
 * three modes, and a new mode is one more column here.
 */
public final class Forwarders {
    /** A listen-conn mode, told which endpoint listens and which one it forwards to. */
    private interface ListenConnect {
        Forwarder create(RelayContext context, Endpoint listen, Endpoint target);
    }

    /** One protocol's modes. */
    private record Modes(Function<RelayContext, Forwarder> listenListen, ListenConnect listenConnect,
            Function<RelayContext, Forwarder> connConnect) {
    }

    private static final Modes TCP = new Modes(TcpListenListen::new, TcpListenConnect::new, TcpConnConnect::new);
    private static final Modes UDP = new Modes(UdpListenListen::new, UdpListenConnect::new, UdpConnConnect::new);

    private Forwarders() {
    }

    public static Forwarder of(RelayContext context) {
        RelaySpec spec = context.spec();
        Modes modes = switch (spec.protocol()) {
            case TCP -> TCP;
            case UDP -> UDP;
        };
        Endpoint first = spec.first();
        Endpoint second = spec.second();
        if (first.isListen() && second.isListen()) {
            return modes.listenListen().apply(context);
        }
        // socks is a conn endpoint whose target each client names: listen-socks is a local SOCKS
        // server, conn-socks an agent that answers SOCKS clients of its relay.
        if (first.isListen()) {
            return modes.listenConnect().create(context, first, second);
        }
        if (second.isListen()) {
            return modes.listenConnect().create(context, second, first);
        }
        return modes.connConnect().apply(context);
    }
}
