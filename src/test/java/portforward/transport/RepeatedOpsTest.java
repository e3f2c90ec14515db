package portforward.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollSocketChannel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The epoll_ctl(MOD) that Netty 4.2.18 repeats when a connect completes, seen below EpollOpsGuard
 * with and without it, and the guard's rule on its own: an identical level-triggered set is not
 * submitted again, an edge-triggered one always is.
 */
@Timeout(60)
class RepeatedOpsTest {
    private static final EpollIoOps READ = EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLRDHUP);

    @Test
    void anIdenticalLevelTriggeredSetIsSubmittedOnce() {
        List<Integer> seen = new ArrayList<>();
        EpollOpsGuard.Guarded guarded = new EpollOpsGuard.Guarded(recorder(seen));
        assertEquals(READ.value(), guarded.submit(READ));
        assertEquals(READ.value(), guarded.submit(READ));
        guarded.submit(EpollIoOps.EPOLLRDHUP);
        guarded.submit(EpollIoOps.valueOf(0));
        guarded.submit(EpollIoOps.valueOf(0));
        guarded.submit(EpollIoOps.EPOLLRDHUP);
        int et = EpollIoOps.EPOLLET.value();
        assertEquals(List.of(READ.value(), EpollIoOps.EPOLLRDHUP.value(), et, et, EpollIoOps.EPOLLRDHUP.value()), seen);
    }

    @Test
    void aFailedSubmitIsNotTakenForWhatEpollHolds() {
        List<Integer> seen = new ArrayList<>();
        EpollOpsGuard.Guarded guarded = new EpollOpsGuard.Guarded(new Recorder(seen, new Fixed(-1)));
        guarded.submit(READ);
        guarded.submit(READ);
        assertEquals(List.of(READ.value(), READ.value()), seen);
    }

    @Test
    void withTheGuardAConnectSubmitsNoSetTwiceInARow() throws Exception {
        List<Integer> seen = connectAndRecord(true);
        assertEquals(List.of(), repeats(seen), "submits: " + seen);
    }

    /** If this fails, Netty stopped repeating the submit: the rule in Guarded may go. */
    @Test
    void withoutTheGuardAConnectSubmitsTheSameSetTwiceInARow() throws Exception {
        List<Integer> seen = connectAndRecord(false);
        assertTrue(!repeats(seen).isEmpty(), "no repeated submit: Netty may have stopped it; submits: " + seen);
    }

    private static List<Integer> repeats(List<Integer> seen) {
        List<Integer> repeated = new ArrayList<>();
        for (int i = 1; i < seen.size(); i++) {
            if (seen.get(i).equals(seen.get(i - 1))) {
                repeated.add(seen.get(i));
            }
        }
        return repeated;
    }

    /** One connect to a loopback listener and a close; the sets submitted to Netty's epoll, in order. */
    private static List<Integer> connectAndRecord(boolean guarded) throws Exception {
        Transport.epoll(); // epoll is the transport this machine kind runs (a failed load fails the test)
        List<Integer> seen = new CopyOnWriteArrayList<>();
        IoHandlerFactory recorded = recording(EpollIoHandler.newFactory(), seen);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, guarded ? new EpollOpsGuard(recorded) : recorded);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var channel = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.getLocalSocketAddress()).sync().channel();
            try (Socket peer = server.accept()) {
                channel.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).sync();
        }
        return new ArrayList<>(seen);
    }

    /** Netty's factory, with every registration's submits recorded before they reach it. */
    private static IoHandlerFactory recording(IoHandlerFactory netty, List<Integer> seen) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(io.netty.util.concurrent.ThreadAwareExecutor executor) {
                IoHandler handler = netty.newHandler(executor);
                return (IoHandler) Proxy.newProxyInstance(IoHandler.class.getClassLoader(), new Class<?>[] {IoHandler.class},
                        (proxy, method, args) -> {
                            try {
                                Object result = method.invoke(handler, args);
                                return result instanceof IoRegistration r ? new Recorder(seen, r) : result;
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }

            @Override
            public boolean isChangingThreadSupported() {
                return netty.isChangingThreadSupported();
            }
        };
    }

    private static IoRegistration recorder(List<Integer> seen) {
        return new Recorder(seen, new Fixed(0));
    }

    /** Records each submitted set, then forwards it. */
    private record Recorder(List<Integer> seen, IoRegistration next) implements IoRegistration {
        @Override
        public <T> T attachment() {
            return next.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            seen.add(((EpollIoOps) ops).value());
            return next.submit(ops);
        }

        @Override
        public boolean isValid() {
            return next.isValid();
        }

        @Override
        public boolean cancel() {
            return next.cancel();
        }
    }

    /** A registration that answers every submit with {@code result}, 0 meaning success (the set itself). */
    private record Fixed(long result) implements IoRegistration {
        @Override
        public <T> T attachment() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long submit(IoOps ops) {
            return result == 0 ? ((EpollIoOps) ops).value() : result;
        }

        @Override
        public boolean isValid() {
            return true;
        }

        @Override
        public boolean cancel() {
            return true;
        }
    }
}
