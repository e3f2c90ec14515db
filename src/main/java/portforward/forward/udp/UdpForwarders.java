package portforward.forward.udp;

import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import portforward.forward.Forwarder;
import portforward.forward.RelayContext;
import portforward.forward.StartException;

/** UDP modes: not built yet. */
public final class UdpForwarders {
    private UdpForwarders() {
    }

    public static Forwarder of(RelayContext context) {
        return new Forwarder() {
            @Override
            public void start() throws StartException {
                throw new StartException("udp is not implemented yet");
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
