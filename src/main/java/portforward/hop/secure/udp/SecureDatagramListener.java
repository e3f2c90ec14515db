package portforward.hop.secure.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import portforward.hop.secure.Strangers;

/**
 * The secure hop on a {@code listen+s} UDP listener: one responder {@link Flow} per peer address.
 * Handlers after it read only authenticated plaintext (and {@link Keepalive}s), from peers that
 * proved the secret; what they write to a peer is sealed with its keys. A stranger's datagram is
 * dropped and counted, and nothing is ever sent back to it. Confined to the listener's event loop.
 */
public final class SecureDatagramListener extends ChannelDuplexHandler {
    private final DatagramHopSettings settings;
    private final Strangers strangers;
    private final HopEvents counters;
    private final int maxPeers;
    private final Map<InetSocketAddress, Peer> peers = new HashMap<>();

    /** {@code maxPeers}: at most this many peers with keys or a handshake under way (--max-sessions). */
    public SecureDatagramListener(DatagramHopSettings settings, Strangers strangers, HopEvents counters,
            int maxPeers) {
        this.settings = settings;
        this.strangers = strangers;
        this.counters = counters;
        this.maxPeers = maxPeers;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        InetSocketAddress sender = packet.sender();
        Peer known = peers.get(sender);
        if (known != null) {
            known.flow.received(packet.content());
            return;
        }
        try {
            ByteBuf content = packet.content();
            boolean hello = content.readableBytes() == DatagramWire.HELLO_LENGTH
                    && content.getByte(content.readerIndex()) == DatagramWire.HELLO;
            if (!hello || peers.size() >= maxPeers) {
                counters.dropped(DatagramDrop.UNAUTHENTICATED);
                return;
            }
            Peer peer = new Peer(ctx, sender);
            Optional<Strangers.Pending> slot = strangers.admit(sender, () -> ctx.executor().execute(
                    () -> peer.forget("pending too long while newer handshakes needed the room")));
            if (slot.isEmpty()) {
                counters.dropped(DatagramDrop.UNAUTHENTICATED);
                return;
            }
            peer.slot = slot;
            peers.put(sender, peer);
            Optional<String> refused = peer.flow.hello(ByteBufUtil.getBytes(content));
            if (refused.isPresent()) {
                counters.dropped(DatagramDrop.UNAUTHENTICATED);
                peer.forget(refused.get());
            }
        } finally {
            packet.release();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.write(msg, promise);
            return;
        }
        Peer peer = peers.get(packet.recipient());
        if (peer == null) {
            packet.release();
            counters.dropped(DatagramDrop.NO_KEYS);
            promise.trySuccess();
            return;
        }
        Optional<ByteBuf> sealed = peer.flow.seal(packet.content());
        if (sealed.isPresent()) {
            ctx.write(new DatagramPacket(sealed.get(), packet.recipient()), promise);
        } else {
            promise.trySuccess(); // dropped and counted
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        peers.values().forEach(peer -> peer.flow.close());
        peers.clear();
        ctx.fireChannelInactive();
    }

    /** How many peers have keys or a handshake under way (for tests: a knock must make none). */
    public int peers() {
        return peers.size();
    }

    private final class Peer implements Flow.Events {
        private final ChannelHandlerContext ctx;
        private final InetSocketAddress address;
        private final Flow flow;
        private Optional<Strangers.Pending> slot = Optional.empty();

        Peer(ChannelHandlerContext ctx, InetSocketAddress address) {
            this.ctx = ctx;
            this.address = address;
            this.flow = Flow.responder(settings, ctx.channel().eventLoop(), ctx.alloc(), this, strangers.replays());
        }

        @Override
        public void send(ByteBuf datagram) {
            ctx.writeAndFlush(new DatagramPacket(datagram, address), ctx.voidPromise());
        }

        @Override
        public void data(ByteBuf plaintext) {
            ctx.fireChannelRead(new DatagramPacket(plaintext, null, address));
        }

        @Override
        public void keepalive() {
            ctx.fireChannelRead(new Keepalive(address));
        }

        @Override
        public void dropped(DatagramDrop why) {
            counters.dropped(why);
        }

        @Override
        public void confirmed() {
            strangers.admitted();
            slot.ifPresent(strangers::release);
            slot = Optional.empty();
        }

        @Override
        public void renewed() {
        }

        @Override
        public void gone(String why) {
            boolean proved = slot.isEmpty();
            forget(why);
            if (proved) {
                ctx.fireChannelRead(new PeerGone(address, why));
            }
        }

        /** Leaves the table; one that never proved the secret is a refused stranger, and logged as one. */
        void forget(String why) {
            flow.close();
            peers.remove(address, this);
            if (slot.isPresent()) {
                strangers.release(slot.get());
                strangers.refuse(address, why);
                slot = Optional.empty();
            }
        }
    }
}
