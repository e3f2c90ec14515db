package portforward.transport;

import static portforward.transport.NioTransport.family;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.NotYetConnectedException;

/** Netty's native Linux transport: splice, recvmmsg batches and UDP_SEGMENT sends. */
final class EpollTransport implements Transport {
    /** -Dportforward.splice=false turns splicing off (to compare with copying). */
    private static final boolean SPLICE = !"false".equals(System.getProperty("portforward.splice"));
    /** -Dportforward.udp.segment=false turns segmented sends off (to compare). */
    private static final boolean SEGMENT = !"false".equals(System.getProperty("portforward.udp.segment"));

    @Override
    public Kind kind() {
        return Kind.EPOLL;
    }

    @Override
    public EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("portforward"),
                new EpollOpsGuard(EpollIoHandler.newFactory()));
    }

    @Override
    public Class<? extends Channel> socketChannel() {
        return EpollSocketChannel.class;
    }

    @Override
    public ChannelFactory<Channel> socketFactory(InetAddress target) {
        SocketProtocolFamily family = family(target);
        return () -> new EpollSocketChannel(family);
    }

    /**
     * The bare shutdown(2): Netty's own shutdownOutput builds an exception with a stack trace every
     * time (to fail writes that cannot be pending here), a cost paid twice per link. Written for
     * Netty 4.2.18; ShutdownOutputTest checks that the FIN arrives, the socket still reads, and
     * that a socket already reset fails in the future rather than throwing.
     */
    @Override
    public ChannelFuture shutdownOutput(Channel channel) {
        if (channel instanceof EpollSocketChannel epoll && epoll.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
                return channel.newSucceededFuture();
            } catch (IOException | NotYetConnectedException e) {
                // ENOTCONN: the peer reset the socket and the loop has not read that yet; Netty
                // throws it unchecked, and thrown in a listener it would leave the link unfinished.
                return channel.newFailedFuture(e);
            }
        }
        return ((DuplexChannel) channel).shutdownOutput();
    }

    /** Both epoll TCP sockets on one event loop. */
    @Override
    public boolean canSplice(Channel a, Channel b) {
        return SPLICE && a instanceof EpollSocketChannel && b instanceof EpollSocketChannel
                && a.eventLoop() == b.eventLoop();
    }

    /** Where links may be spliced, a read as large as the pipe ({@link SpliceSizedReads}). */
    @Override
    public RecvByteBufAllocator streamReads() {
        return SPLICE ? SpliceSizedReads.FOR_PIPES : NioTransport.ADAPTIVE_READS;
    }

    /** A batch per call, with recvmmsg(2). */
    @Override
    public int datagramsPerReceive() {
        return RECVMMSG_BATCH;
    }

    @Override
    public Bootstrap receiveDatagramBatches(Bootstrap bootstrap, int slot) {
        return bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot);
    }

    /** On a kernel that has UDP_SEGMENT (4.18 on). */
    @Override
    public boolean canSegmentDatagrams() {
        return SEGMENT && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannel() {
        return EpollDatagramChannel.class;
    }

    @Override
    public ChannelFactory<ServerChannel> serverSocketFactory(InetAddress bind) {
        SocketProtocolFamily family = family(bind);
        return () -> new EpollServerSocketChannel(family);
    }

    @Override
    public ChannelFactory<DatagramChannel> datagramFactory(InetAddress bind) {
        SocketProtocolFamily family = family(bind);
        return () -> new EpollDatagramChannel(family);
    }

    @Override
    public String toString() {
        return "epoll";
    }
}
