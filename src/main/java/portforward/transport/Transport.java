package portforward.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetAddress;
import java.util.OptionalInt;

/**
 * The one place that knows epoll from NIO: event loops, channel classes, socket options, splice
 * and UDP batching. {@link EpollTransport} and {@link NioTransport} are the two answers.
 */
public interface Transport {

    enum Kind { EPOLL, NIO }

    /** Datagrams that one receive call takes on epoll, with recvmmsg(2). */
    int RECVMMSG_BATCH = 16;

    /** Epoll where the native library loads, NIO otherwise. */
    static Transport auto() {
        return epollAvailable() ? new EpollTransport() : new NioTransport();
    }

    static Transport nio() {
        return new NioTransport();
    }

    /** Epoll, or an exception naming why the native transport cannot load. */
    static Transport epoll() {
        if (!epollAvailable()) {
            throw new IllegalStateException("epoll transport unavailable: " + Epoll.unavailabilityCause().getMessage());
        }
        return new EpollTransport();
    }

    static boolean epollAvailable() {
        return Epoll.isAvailable();
    }

    Kind kind();

    default boolean isEpoll() {
        return kind() == Kind.EPOLL;
    }

    EventLoopGroup newGroup(int threads);

    Class<? extends Channel> socketChannel();

    /** An outbound TCP socket of {@code target}'s own family (an IPv4 target gets an IPv4 socket). */
    ChannelFactory<Channel> socketFactory(InetAddress target);

    /** Sends FIN on {@code channel}, whose writes must all be flushed. */
    ChannelFuture shutdownOutput(Channel channel);

    /** Whether {@code a} and {@code b} can be joined by {@link Splice}. */
    boolean canSplice(Channel a, Channel b);

    /** How a TCP socket sizes its reads. */
    RecvByteBufAllocator streamReads();

    /** Where the relay's datagram sockets take their buffers from: Netty's default allocator. */
    default ByteBufAllocator datagramAllocator() {
        return ByteBufAllocator.DEFAULT;
    }

    /** The send buffer the relay's TCP sockets ask for, or empty where the kernel sizes it. */
    default OptionalInt streamSendBuffer() {
        return OptionalInt.empty();
    }

    /**
     * How many datagrams one receive call can take. A datagram socket's receive buffer holds that
     * many slots, each room for the largest datagram.
     */
    int datagramsPerReceive();

    /** Sets {@code bootstrap}'s datagram sockets to receive in slots of {@code slot} bytes, a batch per call. */
    Bootstrap receiveDatagramBatches(Bootstrap bootstrap, int slot);

    /**
     * Whether a connected datagram socket can send a run of equal-sized datagrams as one UDP_SEGMENT
     * send ({@link #newSegmentedSends}).
     */
    boolean canSegmentDatagrams();

    /**
     * A handler for a connected datagram socket's pipeline that joins the datagrams written before a
     * flush into segmented sends; it belongs between the socket and whatever defers the flush.
     */
    default ChannelHandler newSegmentedSends() {
        return new SegmentedSends();
    }

    Class<? extends DatagramChannel> datagramChannel();

    /**
     * Listening sockets of the bound address's own family: 0.0.0.0 means IPv4 only, as users of
     * every other relay expect, while [::] takes both families.
     */
    ChannelFactory<ServerChannel> serverSocketFactory(InetAddress bind);

    /** A datagram socket of the bound address's own family; see {@link #serverSocketFactory}. */
    ChannelFactory<DatagramChannel> datagramFactory(InetAddress bind);
}
