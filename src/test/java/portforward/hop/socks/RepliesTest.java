package portforward.hop.socks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reply code for each way a dial fails, as NIO and epoll word them. */
@Timeout(10)
class RepliesTest {

    @Test
    void eachFailureGetsItsCode() {
        assertEquals(Socks5CommandStatus.CONNECTION_REFUSED, Replies.status(new ConnectException("Connection refused")));
        assertEquals(Socks5CommandStatus.CONNECTION_REFUSED, Replies.status(new IOException("wrapped",
                new ConnectException("finishConnect(..) failed with error(-111): Connection refused"))));
        assertEquals(Socks5CommandStatus.HOST_UNREACHABLE, Replies.status(new NoRouteToHostException("No route to host")));
        assertEquals(Socks5CommandStatus.HOST_UNREACHABLE, Replies.status(new UnknownHostException("nowhere.invalid")));
        assertEquals(Socks5CommandStatus.HOST_UNREACHABLE, Replies.status(
                new ConnectException("finishConnect(..) failed with error(-113): No route to host")));
        assertEquals(Socks5CommandStatus.NETWORK_UNREACHABLE, Replies.status(new SocketException("Network is unreachable")));
        assertEquals(Socks5CommandStatus.TTL_EXPIRED, Replies.status(new ConnectTimeoutException(
                "connection timed out after 10000 ms: /10.0.0.1:22")));
        assertEquals(Socks5CommandStatus.FAILURE, Replies.status(new IOException("something else")));
    }
}
