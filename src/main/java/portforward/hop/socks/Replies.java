package portforward.hop.socks;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Which SOCKS5 reply (RFC 1928, section 6) tells the client why its target could not be reached. */
final class Replies {
    private Replies() {
    }

    static Socks5CommandStatus status(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).toLowerCase(Locale.ROOT);
        if (root instanceof ConnectTimeoutException || message.contains("timed out")) {
            return Socks5CommandStatus.TTL_EXPIRED;
        }
        if (message.contains("network is unreachable")) {
            return Socks5CommandStatus.NETWORK_UNREACHABLE;
        }
        if (root instanceof NoRouteToHostException || root instanceof UnknownHostException
                || message.contains("no route") || message.contains("host is unreachable")) {
            return Socks5CommandStatus.HOST_UNREACHABLE;
        }
        if (message.contains("refused") || root instanceof ConnectException) {
            return Socks5CommandStatus.CONNECTION_REFUSED;
        }
        return Socks5CommandStatus.FAILURE;
    }
}
