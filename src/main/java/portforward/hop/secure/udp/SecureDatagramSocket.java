package portforward.hop.secure.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.Optional;
import portforward.hop.secure.HopException;

/**
 * The secure hop on a socket connected to a {@code listen+s} UDP endpoint (a {@code conn+s} side):
 * the initiator. What the handlers after it write is sealed; what they read has been opened and
 * authenticated; the hop's own datagrams (handshake, keepalives) never reach them. A peer that
 * falls silent closes the socket, after a {@link Silent} event that says so.
 */
public final class SecureDatagramSocket extends ChannelDuplexHandler {
    /** Fired before the socket closes because the peer stopped answering. */
    public record Silent(String why) {
    }

    private final DatagramHopSettings settings;
    private final HopEvents counters;
    private ChannelHandlerContext ctx;
    private Flow flow;

    public SecureDatagramSocket(DatagramHopSettings settings, HopEvents counters) {
        this.settings = settings;
        this.counters = counters;
    }

    /**
     * Starts the handshake on {@code channel}, connected, which carries this handler; the future
     * completes once it is done, or fails saying why. {@code agentLink}: an agent's pool socket.
     */
    public static Future<Void> start(Channel channel, boolean agentLink) {
        SecureDatagramSocket hop = channel.pipeline().get(SecureDatagramSocket.class);
        if (hop == null) { // the socket closed while its handshake waited for a turn
            return channel.eventLoop().newFailedFuture(new HopException("closed"));
        }
        Future<Void> ready = hop.flow.ready();
        channel.eventLoop().execute(() -> hop.flow.start(agentLink));
        return ready;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.flow = Flow.initiator(settings, ctx.channel().eventLoop(), ctx.alloc(), new Events());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            flow.received(packet.content());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ByteBuf plaintext = msg instanceof DatagramPacket packet ? packet.content() : msg instanceof ByteBuf b ? b : null;
        if (plaintext == null) {
            ctx.write(msg, promise);
            return;
        }
        Optional<ByteBuf> sealed = flow.seal(plaintext);
        if (sealed.isPresent()) {
            ctx.write(sealed.get(), promise);
        } else {
            promise.trySuccess(); // dropped and counted: not an error of the socket
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        flow.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        flow.close();
    }

    private final class Events implements Flow.Events {
        @Override
        public void send(ByteBuf datagram) {
            ctx.writeAndFlush(datagram, ctx.voidPromise());
        }

        @Override
        public void data(ByteBuf plaintext) {
            Channel channel = ctx.channel();
            ctx.fireChannelRead(new DatagramPacket(plaintext, (InetSocketAddress) channel.localAddress(),
                    (InetSocketAddress) channel.remoteAddress()));
        }

        @Override
        public void keepalive() {
        }

        @Override
        public void dropped(DatagramDrop why) {
            counters.dropped(why);
        }

        @Override
        public void confirmed() {
        }

        @Override
        public void renewed() {
            counters.renewed();
        }

        @Override
        public void gone(String why) {
            ctx.fireUserEventTriggered(new Silent(why));
            ctx.close();
        }
    }
}
