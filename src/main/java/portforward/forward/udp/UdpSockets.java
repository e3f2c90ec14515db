package portforward.forward.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.util.Optional;
import portforward.endpoint.Endpoint;
import portforward.forward.Listeners;
import portforward.forward.RelayContext;
import portforward.forward.Show;
import portforward.forward.StartException;
import portforward.forward.Targets;
import portforward.hop.secure.Strangers;
import portforward.hop.secure.udp.DatagramDrop;
import portforward.hop.secure.udp.HopEvents;
import portforward.hop.secure.udp.SecureDatagramListener;
import portforward.hop.secure.udp.SecureDatagramSocket;
import portforward.transport.Transport;

/** Opens datagram sockets with the options every UDP socket of the relay needs. */
final class UdpSockets {
    /**
     * Every datagram is read into a slot larger than the largest UDP payload (65527 bytes over
     * IPv6): a datagram that does not fit is cut short by the kernel without a word, so no guessing
     * here. On epoll one recvmmsg(2) fills a batch of slots. The buffer is reused
     * ({@link ReceiveBuffer}); what is kept is a right-sized copy ({@link RightSized}).
     */
    static final int RECEIVE_BUFFER = 65536;
    /** A listener carries every session, so it gets the larger kernel buffers (capped by rmem_max). */
    private static final int LISTENER_SOCKET_BUFFER = 4 << 20;
    private static final int SESSION_SOCKET_BUFFER = 1 << 20;
    /**
     * Datagrams read per wake-up: the allocator's own default is one, which costs an event loop
     * turn per datagram; 16 is what Netty gives datagram channels by default (on epoll, one
     * recvmmsg call; 32 and 64 measured within the noise of it).
     */
    private static final int READS_PER_WAKEUP = 16;
    private static final RecvByteBufAllocator ONE_PER_CALL = new ReceiveBuffer(RECEIVE_BUFFER, READS_PER_WAKEUP, false);
    private static final RecvByteBufAllocator BATCHES = new ReceiveBuffer(RECEIVE_BUFFER * Transport.RECVMMSG_BATCH,
            READS_PER_WAKEUP, true);

    private UdpSockets() {
    }

    /**
     * Binds a listener for {@code endpoint} on {@code loop}, or says which address failed and why.
     * A {@code listen+s} listener answers the secure hop; {@code handler} then reads plaintext only.
     */
    static Channel bind(RelayContext context, Endpoint endpoint, EventLoop loop, ChannelHandler handler, DropReport drops,
            Optional<Strangers> strangers) throws StartException {
        InetSocketAddress address = Listeners.resolveListen(endpoint);
        Optional<ChannelHandler> filter = context.sources().restricted()
                ? Optional.of(new SourceFilter(context)) : Optional.empty();
        Optional<ChannelHandler> layer = strangers.map(s -> new SecureDatagramListener(context.datagramHop(), s,
                events(context, drops), context.spec().maxSessions()));
        ChannelFuture bound = bootstrap(context, loop, LISTENER_SOCKET_BUFFER, handler, false, filter, layer)
                .channelFactory(context.transport().datagramFactory(address.getAddress()))
                .bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new StartException("cannot listen on udp " + endpoint.address() + ": "
                    + Listeners.bindFailure(endpoint, bound.cause()));
        }
        return bound.channel();
    }

    /**
     * A socket on {@code loop} connected to {@code target}; see {@link Targets#connect}. Toward a
     * {@code conn+s} target it carries the secure hop, which {@link SecureDatagramSocket#start} starts.
     */
    static ChannelFuture connect(RelayContext context, EventLoop loop, Endpoint target, ChannelHandler handler,
            DropReport drops) {
        Transport transport = context.transport();
        Optional<ChannelHandler> layer = target.isSecure()
                ? Optional.of(new SecureDatagramSocket(context.datagramHop(), events(context, drops))) : Optional.empty();
        return context.events().countFailure(Targets.connect(bootstrap(context, loop, SESSION_SOCKET_BUFFER,
                handler, true, Optional.empty(), layer), target, transport::datagramFactory, transport.datagramChannel()));
    }

    /** Who keeps {@code endpoint}'s count of handshakes and strangers, if it is a listen+s one. */
    static Optional<Strangers> strangers(RelayContext context, Endpoint endpoint) {
        return endpoint.isSecure() ? Optional.of(new Strangers(endpoint.toString(), context.log(Strangers.LOG)))
                : Optional.empty();
    }

    private static HopEvents events(RelayContext context, DropReport drops) {
        return new HopEvents() {
            @Override
            public void dropped(DatagramDrop why) {
                drops.count(why);
            }

            @Override
            public void renewed() {
                context.events().keysRenewed(1);
            }
        };
    }

    /**
     * The write watermark is the socket buffer: a socket past it is backlogged, and datagrams for it
     * are dropped and counted rather than queued without bound. A connected socket sends the
     * equal-sized datagrams of one flush as one segmented send where the transport can.
     * {@code filter}: first in the pipeline, before a datagram it drops is copied (--allow-from).
     * {@code layer}: the secure hop, which turns datagrams into plaintext for {@code handler}.
     */
    private static Bootstrap bootstrap(RelayContext context, EventLoop loop, int socketBuffer, ChannelHandler handler,
            boolean connected, Optional<ChannelHandler> filter, Optional<ChannelHandler> layer) {
        Transport transport = context.transport();
        boolean segmented = connected && transport.canSegmentDatagrams();
        return transport.receiveDatagramBatches(new Bootstrap(), RECEIVE_BUFFER)
                .group(loop)
                .option(ChannelOption.ALLOCATOR, transport.datagramAllocator())
                .option(ChannelOption.RCVBUF_ALLOCATOR, transport.datagramsPerReceive() > 1 ? BATCHES : ONE_PER_CALL)
                .option(ChannelOption.SO_RCVBUF, socketBuffer)
                .option(ChannelOption.SO_SNDBUF, socketBuffer)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(socketBuffer / 2, socketBuffer))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        filter.ifPresent(ch.pipeline()::addLast);
                        ch.pipeline().addLast(new RightSized());
                        if (segmented) {
                            ch.pipeline().addLast(transport.newSegmentedSends());
                        }
                        // Between the flushes and the sends: a burst of equal plaintexts seals into
                        // equal datagrams, which still leave as one segmented send.
                        layer.ifPresent(ch.pipeline()::addLast);
                        ch.pipeline().addLast(new BatchedFlush(), handler);
                    }
                });
    }
}
