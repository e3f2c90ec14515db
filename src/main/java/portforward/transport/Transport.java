package portforward.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/** The one place that knows epoll from NIO: event loops and channel classes. */
public final class Transport {

    public enum Kind { EPOLL, NIO }

    private final Kind kind;

    private Transport(Kind kind) {
        this.kind = kind;
    }

    /** Epoll where the native library loads, NIO otherwise. */
    public static Transport auto() {
        return Epoll.isAvailable() ? new Transport(Kind.EPOLL) : new Transport(Kind.NIO);
    }

    public static Transport nio() {
        return new Transport(Kind.NIO);
    }

    /** Epoll, or an exception naming why the native transport cannot load. */
    public static Transport epoll() {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("epoll transport unavailable: "
                    + Epoll.unavailabilityCause().getMessage());
        }
        return new Transport(Kind.EPOLL);
    }

    public static boolean epollAvailable() {
        return Epoll.isAvailable();
    }

    public Kind kind() {
        return kind;
    }

    public boolean isEpoll() {
        return kind == Kind.EPOLL;
    }

    public EventLoopGroup newGroup(int threads) {
        IoHandlerFactory factory = isEpoll() ? new EpollOpsGuard(EpollIoHandler.newFactory()) : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("portforward"), factory);
    }

    public Class<? extends ServerChannel> serverSocketChannel() {
        return isEpoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends Channel> socketChannel() {
        return isEpoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return isEpoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
