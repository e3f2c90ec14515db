package portforward.forward;

import java.net.InetSocketAddress;
import java.util.List;

/** A conn-conn forwarder: it dials both sides and binds nothing. */
public interface Agent extends Forwarder {

    @Override
    default List<InetSocketAddress> boundAddresses() {
        return List.of();
    }
}
