package portforward.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.Locale;
import java.util.OptionalInt;

/** The one place that knows epoll from NIO: event loops and channel classes. */
public final class Transport {

    public enum Kind { EPOLL, NIO }

    private static final boolean SPLICE = !"false".equals(System.getProperty("portforward.splice"));
    private static final boolean SEGMENT = !"false".equals(System.getProperty("portforward.udp.segment"));
    private static final RecvByteBufAllocator ADAPTIVE_READS = new AdaptiveRecvByteBufAllocator();
    /** Datagrams that one receive call takes on epoll, with recvmmsg(2). */
    public static final int RECVMMSG_BATCH = 16;

    private final Kind kind;
    private final ByteBufAllocator datagramAllocator;
    /** 0: the kernel sizes (and autotunes) a TCP socket's send buffer. */
    private final int streamSendBuffer;

    private Transport(Kind kind) {
        this(kind, ByteBufAllocator.DEFAULT, 0);
    }

    private Transport(Kind kind, ByteBufAllocator datagramAllocator, int streamSendBuffer) {
        this.kind = kind;
        this.datagramAllocator = datagramAllocator;
        this.streamSendBuffer = streamSendBuffer;
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

    public Class<? extends Channel> socketChannel() {
        return isEpoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** An outbound TCP socket of {@code target}'s own family (an IPv4 target gets an IPv4 socket). */
    public ChannelFactory<Channel> socketFactory(InetAddress target) {
        SocketProtocolFamily family = family(target);
        return isEpoll() ? () -> new EpollSocketChannel(family)
                : () -> new NioSocketChannel(SelectorProvider.provider(), family);
    }

    /**
     * Sends FIN on {@code channel}, whose writes must all be flushed. On epoll this is the bare
     * shutdown(2): Netty's own shutdownOutput builds an exception with a stack trace every time
     * (to fail writes that cannot be pending here), a cost paid twice per link.
     */
    public ChannelFuture shutdownOutput(Channel channel) {
        if (channel instanceof EpollSocketChannel epoll && epoll.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
                return channel.newSucceededFuture();
            } catch (IOException e) {
                return channel.newFailedFuture(e);
            }
        }
        return ((DuplexChannel) channel).shutdownOutput();
    }

    /**
     * Whether {@code a} and {@code b} can be joined by {@link Splice}: both epoll TCP sockets on one
     * event loop. -Dportforward.splice=false turns it off (to compare with copying).
     */
    public boolean canSplice(Channel a, Channel b) {
        return isEpoll() && SPLICE && a instanceof EpollSocketChannel && b instanceof EpollSocketChannel
                && a.eventLoop() == b.eventLoop();
    }

    /**
     * How a TCP socket sizes its reads: Netty's adaptive sizes, and where links may be spliced, a
     * splice as large as the pipe ({@link SpliceSizedReads}).
     */
    public RecvByteBufAllocator streamReads() {
        return isEpoll() && SPLICE ? SpliceSizedReads.FOR_PIPES : ADAPTIVE_READS;
    }

    /** Where the relay's datagram sockets take their buffers from: Netty's default allocator. */
    public ByteBufAllocator datagramAllocator() {
        return datagramAllocator;
    }

    /**
     * This transport with its datagram sockets allocating from {@code allocator}: the hook through
     * which a test watches how much memory the UDP relay holds.
     */
    public Transport withDatagramAllocator(ByteBufAllocator allocator) {
        return new Transport(kind, allocator, streamSendBuffer);
    }

    /**
     * This transport with the send buffer of the relay's TCP sockets fixed at {@code bytes}: the
     * hook through which a test makes a link's outbound socket fill after a few kilobytes, where on
     * loopback the kernel would grow it to megabytes.
     */
    public Transport withStreamSendBuffer(int bytes) {
        return new Transport(kind, datagramAllocator, bytes);
    }

    /** The send buffer the relay's TCP sockets ask for, or empty where the kernel sizes it. */
    public OptionalInt streamSendBuffer() {
        return streamSendBuffer > 0 ? OptionalInt.of(streamSendBuffer) : OptionalInt.empty();
    }

    /**
     * How many datagrams one receive call can take: a batch on epoll (recvmmsg(2)), one on NIO.
     * A datagram socket's receive buffer holds that many slots, each room for the largest datagram.
     */
    public int datagramsPerReceive() {
        return isEpoll() ? RECVMMSG_BATCH : 1;
    }

    /** Sets {@code bootstrap}'s datagram sockets to receive in slots of {@code slot} bytes, a batch per call. */
    public Bootstrap receiveDatagramBatches(Bootstrap bootstrap, int slot) {
        return datagramsPerReceive() > 1
                ? bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot) : bootstrap;
    }

    /**
     * Whether a connected datagram socket can send a run of equal-sized datagrams as one UDP_SEGMENT
     * send ({@link #newSegmentedSends}): epoll on a kernel that has it (4.18 on).
     * -Dportforward.udp.segment=false turns it off (to compare).
     */
    public boolean canSegmentDatagrams() {
        return isEpoll() && SEGMENT && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
    }

    /**
     * A handler for a connected datagram socket's pipeline that joins the datagrams written before a
     * flush into segmented sends; it belongs between the socket and whatever defers the flush.
     */
    public ChannelHandler newSegmentedSends() {
        return new SegmentedSends();
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return isEpoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /**
     * Listening sockets of the bound address's own family: 0.0.0.0 means IPv4 only, as users of
     * every other relay expect, while [::] takes both families.
     */
    public ChannelFactory<ServerChannel> serverSocketFactory(InetAddress bind) {
        SocketProtocolFamily family = family(bind);
        return isEpoll() ? () -> new EpollServerSocketChannel(family)
                : () -> new NioServerSocketChannel(SelectorProvider.provider(), family);
    }

    /** A datagram socket of the bound address's own family; see {@link #serverSocketFactory}. */
    public ChannelFactory<DatagramChannel> datagramFactory(InetAddress bind) {
        SocketProtocolFamily family = family(bind);
        return isEpoll() ? () -> new EpollDatagramChannel(family)
                : () -> new NioDatagramChannel(SelectorProvider.provider(), family);
    }

    private static SocketProtocolFamily family(InetAddress address) {
        return address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
