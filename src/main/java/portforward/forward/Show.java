package portforward.forward;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;

/** How addresses, sizes and durations read in log lines. */
public final class Show {
    private Show() {
    }

    public static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    public static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    /** The cause of a network failure in a few words: "connection refused", not a stack trace. */
    public static String cause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        if (m == null || m.isBlank()) {
            return root.getClass().getSimpleName();
        }
        // Netty's native errors read "finishConnect(..) failed with error(-111): Connection refused: /1.2.3.4:22".
        int slash = m.indexOf(": /");
        if (slash >= 0) {
            m = m.substring(0, slash);
        }
        if (m.contains("(..)")) {
            m = m.substring(m.lastIndexOf(": ") + 2);
        }
        return m.toLowerCase(Locale.ROOT);
    }
}
