package portforward.forward;

import portforward.endpoint.Endpoint;
import portforward.endpoint.Protocol;
import portforward.endpoint.RelaySpec;
import portforward.forward.tcp.TcpConnConnect;
import portforward.forward.tcp.TcpListenConnect;
import portforward.forward.tcp.TcpListenListen;
import portforward.forward.udp.UdpForwarders;

/** Picks the mode from the protocol and the (role, role) pair. */
public final class Forwarders {
    private Forwarders() {
    }

    public static Forwarder of(RelayContext context) {
        RelaySpec spec = context.spec();
        if (spec.protocol() == Protocol.UDP) {
            return UdpForwarders.of(context);
        }
        Endpoint first = spec.first();
        Endpoint second = spec.second();
        if (first.isListen() && second.isListen()) {
            return new TcpListenListen(context);
        }
        // socks is a conn endpoint whose target each client names: listen-socks is a local SOCKS
        // server, conn-socks an agent that answers SOCKS clients of its relay.
        if (first.isListen()) {
            return new TcpListenConnect(context, first, second);
        }
        if (second.isListen()) {
            return new TcpListenConnect(context, second, first);
        }
        return new TcpConnConnect(context);
    }
}
