package portforward.forward;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.util.Locale;

/** How addresses, sizes and durations read in log lines. */
public final class Show {
    private Show() {
    }

    public static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() instanceof Inet6Address six ? ipv6(six)
                    : inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    /** The short form users type (::1, fe80::1%eth0), not Java's 0:0:0:0:0:0:0:1%0. */
    static String ipv6(Inet6Address address) {
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        NetworkInterface nic = address.getScopedInterface();
        if (nic != null) {
            text.append('%').append(nic.getName());
        } else if (address.getScopeId() != 0) {
            text.append('%').append(address.getScopeId());
        }
        return text.toString();
    }

    /** One decimal, as "%.1f" would print it; by hand, because String.format costs more than a link. */
    /** "1 connection", "4 connections": {@code noun} with an s unless there is exactly one. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
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
        long tenths = Math.round(v * 10);
        return (tenths / 10) + "." + (tenths % 10) + " " + units[i];
    }

    /** Exact, then rounded past a KiB: "12345 B (12.1 KiB)", "512 B". */
    public static String exactBytes(long n) {
        return n < 1024 ? n + " B" : n + " B (" + bytes(n) + ")";
    }

    /** Milliseconds, as "%.3f s" would print them. */
    public static String seconds(long nanos) {
        long millis = Math.round(nanos / 1e6);
        long frac = millis % 1000;
        return (millis / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac + " s";
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
