package portforward.hop.socks;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.socksx.SocksMessage;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandStatus;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.util.NetUtil;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;

/** The replies to a request: RFC 1928's (section 6) for SOCKS5, and SOCKS4's granted or rejected. */
final class Replies {
    private Replies() {
    }

    /** Success, with the address the link was dialled from (SOCKS4 has no room for it, nor for IPv6). */
    static SocksMessage success(boolean socks4, InetSocketAddress bound) {
        if (socks4) {
            return new DefaultSocks4CommandResponse(Socks4CommandStatus.SUCCESS);
        }
        InetAddress address = bound.getAddress();
        return new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS,
                address instanceof Inet6Address ? Socks5AddressType.IPv6 : Socks5AddressType.IPv4,
                NetUtil.toAddressString(address), bound.getPort());
    }

    /** A failure with {@code status}; SOCKS4 has one code for every failure. */
    static SocksMessage failure(boolean socks4, Socks5CommandStatus status) {
        return socks4 ? new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED)
                : new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0);
    }

    /** Which SOCKS5 reply tells the client why its target could not be reached. */
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
