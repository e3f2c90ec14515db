package portforward.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.Sockets;

/** Transport.shutdownOutput (a bare shutdown(2) on epoll) sends FIN and leaves the socket reading. */
@Timeout(30)
class ShutdownOutputTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void theFinArrivesAndTheReplyStillComesBack(Transport transport) throws Exception {
        EventLoopGroup group = transport.newGroup(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> reply = new CompletableFuture<>();
            Channel channel = new Bootstrap().group(group).channel(transport.socketChannel())
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                            reply.complete(msg.toString(StandardCharsets.US_ASCII));
                        }
                    })
                    .connect(server.getLocalSocketAddress()).sync().channel();
            try (Socket peer = server.accept()) {
                assertTrue(channel.eventLoop().submit(() -> transport.shutdownOutput(channel)).get().sync().isSuccess());
                assertEquals(0, Sockets.readToEnd(peer).length, "the FIN arrived");
                Sockets.send(peer, "x");
                assertEquals("x", reply.get(20, TimeUnit.SECONDS));
            }
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).sync();
        }
    }
    /**
     * A socket whose peer has reset it while the relay had not yet read the reset (a link whose
     * two ends go away at once): the FIN cannot be sent, and the future says so; nothing is
     * thrown at the caller (epoll's shutdown(2) fails with ENOTCONN, which Netty throws as an
     * unchecked NotYetConnectedException).
     */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aSocketItsPeerHasResetFailsInTheFutureInsteadOfThrowing(Transport transport) throws Exception {
        EventLoopGroup group = transport.newGroup(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Channel channel = new Bootstrap().group(group).channel(transport.socketChannel())
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.getLocalSocketAddress()).sync().channel();
            Socket peer = server.accept();
            peer.setSoLinger(true, 0);
            ChannelFuture fin = channel.eventLoop().submit(() -> {
                peer.close(); // on loopback the reset has reached this socket when close() returns
                return transport.shutdownOutput(channel);
            }).get(20, TimeUnit.SECONDS);
            fin.await(20, TimeUnit.SECONDS);
            assertTrue(fin.isDone()); // failed on epoll; NIO reports success (the JDK ignores ENOTCONN there)
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).sync();
        }
    }
}
