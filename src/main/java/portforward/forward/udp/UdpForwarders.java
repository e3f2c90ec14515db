package portforward.forward.udp;

import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import portforward.endpoint.Endpoint;
import portforward.forward.Forwarder;
import portforward.forward.RelayContext;
import portforward.forward.StartException;

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
        if (first.isListen() && !second.isListen()) {
            return new UdpListenConnect(context, first, second);
        }
        if (second.isListen() && !first.isListen()) {
            return new UdpListenConnect(context, second, first);
        }
        return new Forwarder() {
            @Override
            public void start() throws StartException {
                throw new StartException("udp " + first.role().word() + "-" + second.role().word()
                        + " is not implemented yet");
            }

            @Override
            public List<InetSocketAddress> boundAddresses() {
                return List.of();
            }

            @Override
            public Future<?> stop(Duration grace) {
                return context.group().next().newSucceededFuture(null);
            }
        };
    }
}
