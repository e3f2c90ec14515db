package portforward.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;

/** The JDK's selector-based transport: everywhere, with no splice and one datagram per receive. */
final class NioTransport implements Transport {
    static final RecvByteBufAllocator ADAPTIVE_READS = new AdaptiveRecvByteBufAllocator();

    @Override
    public Kind kind() {
        return Kind.NIO;
    }

    @Override
    public EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("portforward"), NioIoHandler.newFactory());
    }

    @Override
    public Class<? extends Channel> socketChannel() {
        return NioSocketChannel.class;
    }

    @Override
    public ChannelFactory<Channel> socketFactory(InetAddress target) {
        SocketProtocolFamily family = family(target);
        return () -> new NioSocketChannel(SelectorProvider.provider(), family);
    }

    @Override
    public ChannelFuture shutdownOutput(Channel channel) {
        return ((DuplexChannel) channel).shutdownOutput();
    }

    @Override
    public boolean canSplice(Channel a, Channel b) {
        return false;
    }

    @Override
    public RecvByteBufAllocator streamReads() {
        return ADAPTIVE_READS;
    }

    @Override
    public int datagramsPerReceive() {
        return 1;
    }

    @Override
    public Bootstrap receiveDatagramBatches(Bootstrap bootstrap, int slot) {
        return bootstrap;
    }

    @Override
    public boolean canSegmentDatagrams() {
        return false;
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannel() {
        return NioDatagramChannel.class;
    }

    @Override
    public ChannelFactory<ServerChannel> serverSocketFactory(InetAddress bind) {
        SocketProtocolFamily family = family(bind);
        return () -> new NioServerSocketChannel(SelectorProvider.provider(), family);
    }

    @Override
    public ChannelFactory<DatagramChannel> datagramFactory(InetAddress bind) {
        SocketProtocolFamily family = family(bind);
        return () -> new NioDatagramChannel(SelectorProvider.provider(), family);
    }

    static SocketProtocolFamily family(InetAddress address) {
        return address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }

    @Override
    public String toString() {
        return "nio";
    }
}
