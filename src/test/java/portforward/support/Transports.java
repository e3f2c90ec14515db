package portforward.support;

import java.util.ArrayList;
import java.util.List;
import portforward.transport.Transport;

/** Every end-to-end test runs over each transport this machine has. */
public final class Transports {
    private Transports() {
    }

    /** For {@code @MethodSource("portforward.support.Transports#all")}. */
    public static List<Transport> all() {
        List<Transport> all = new ArrayList<>();
        all.add(Transport.nio());
        if (Transport.epollAvailable()) {
            all.add(Transport.epoll());
        }
        return all;
    }
}
