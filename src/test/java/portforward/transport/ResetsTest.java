package portforward.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A reset is told by type and errno, as each transport reports it, and never by a message alone. */
@Timeout(30)
class ResetsTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aPeerThatResetsIsAReset(Transport transport) throws Exception {
        EventLoopGroup group = transport.newGroup(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            var channel = new Bootstrap().group(group).channel(transport.socketChannel())
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            failure.complete(cause);
                            ctx.close();
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            failure.complete(new AssertionError("closed with no exception"));
                        }
                    })
                    .connect(server.getLocalSocketAddress()).sync().channel();
            try (Socket accepted = server.accept()) {
                accepted.setSoLinger(true, 0);
            }
            Throwable cause = failure.get(20, TimeUnit.SECONDS);
            assertTrue(Resets.isReset(cause), "not taken for a reset: " + cause);
            channel.closeFuture().sync();
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).sync();
        }
    }

    @Test
    void otherFailuresAreNotResetsWhateverTheirWords() {
        assertFalse(Resets.isReset(new IOException("Connection reset by peer")));
        assertFalse(Resets.isReset(new SocketException("Broken pipe")));
        assertFalse(Resets.isReset(new SocketException("reset")));
        if (Transport.epollAvailable()) {
            assertFalse(Resets.isReset(Errors.newIOException("write", Errors.ERRNO_EPIPE_NEGATIVE)));
            assertTrue(Resets.isReset(Errors.newConnectionResetException("read", Errors.ERRNO_ECONNRESET_NEGATIVE)));
        }
    }
}
