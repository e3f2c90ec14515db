package portforward.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import portforward.support.Sockets;

/**
 * The Netty defect EpollOpsGuard works around, reproduced with and without the guard, and a check
 * that the guard forwards every method of what it wraps.
 */
@Timeout(60)
class EpollOpsGuardTest {

    @Test
    void everyMethodOfTheWrappedInterfacesIsForwarded() {
        List<String> missing = new ArrayList<>();
        missing.addAll(unforwarded(IoHandlerFactory.class, EpollOpsGuard.class));
        missing.addAll(unforwarded(IoHandler.class, EpollOpsGuard.GuardedHandler.class));
        missing.addAll(unforwarded(IoRegistration.class, EpollOpsGuard.Guarded.class));
        assertEquals(List.of(), missing, "methods that EpollOpsGuard does not forward (a Netty upgrade added them?)");
    }

    private static List<String> unforwarded(Class<?> wrapped, Class<?> wrapper) {
        List<String> missing = new ArrayList<>();
        for (Method method : wrapped.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            try {
                wrapper.getDeclaredMethod(method.getName(), method.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(wrapper.getSimpleName() + " lacks " + wrapped.getSimpleName() + "." + method.getName());
            }
        }
        return missing;
    }

    @Test
    void withTheGuardAPausedChannelThatGotAFinResumesAndStillSends() throws Exception {
        assertEquals(Optional.empty(), pauseFinResume(new EpollOpsGuard(EpollIoHandler.newFactory())));
    }

    /** If this fails, Netty fixed the defect: EpollOpsGuard may go. */
    @Test
    void withoutTheGuardTheSameSequenceFailsWithEnoent() throws Exception {
        Optional<Throwable> failure = pauseFinResume(EpollIoHandler.newFactory());
        assertTrue(failure.isPresent(), "the defect did not show: Netty may have fixed it");
        assertTrue(String.valueOf(failure.get().getMessage()).contains("No such file or directory"), failure.get()::toString);
    }

    /**
     * Reading paused, then the peer's FIN (its EPOLLRDHUP cleared: an empty interest set), then
     * reading resumed and a reply sent. Returns what went wrong on the channel, if anything.
     */
    private static Optional<Throwable> pauseFinResume(IoHandlerFactory factory) throws Exception {
        // Epoll is the transport this machine kind runs (a failed load here fails the test).
        Transport.epoll();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            CompletableFuture<Void> finSeen = new CompletableFuture<>();
            Channel channel = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ((ByteBuf) msg).release();
                        }

                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            if (evt instanceof ChannelInputShutdownEvent) {
                                finSeen.complete(null);
                            }
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            failed.complete(cause);
                        }
                    })
                    .connect(server.getLocalSocketAddress()).sync().channel();
            try (Socket peer = server.accept()) {
                channel.eventLoop().submit(() -> channel.config().setAutoRead(false)).sync();
                peer.shutdownOutput();
                // With reading paused the FIN is seen through EPOLLRDHUP alone.
                finSeen.get(20, TimeUnit.SECONDS);
                channel.eventLoop().submit(() -> channel.config().setAutoRead(true)).sync();
                channel.writeAndFlush(Unpooled.copiedBuffer("after", StandardCharsets.US_ASCII)).await(20, TimeUnit.SECONDS);
                if (!failed.isDone() && channel.isActive()) {
                    assertEquals("after", Sockets.readText(peer, 5));
                }
                channel.close().sync();
            }
            return Optional.ofNullable(failed.getNow(null));
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).sync();
        }
    }
}
