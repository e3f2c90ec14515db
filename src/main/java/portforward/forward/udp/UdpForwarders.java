package portforward.forward.udp;

import portforward.endpoint.Endpoint;
import portforward.forward.Forwarder;
import portforward.forward.RelayContext;

/** Picks the UDP mode from the two endpoints' roles, as for TCP. */
public final class UdpForwarders {
    private UdpForwarders() {
    }

    public static Forwarder of(RelayContext context) {
        Endpoint first = context.spec().first();
        Endpoint second = context.spec().second();
        if (first.isListen() && second.isListen()) {
            return new UdpListenListen(context);
        }
        if (first.isListen()) {
            return new UdpListenConnect(context, first, second);
        }
        if (second.isListen()) {
            return new UdpListenConnect(context, second, first);
        }
        return new UdpConnConnect(context);
    }
}
