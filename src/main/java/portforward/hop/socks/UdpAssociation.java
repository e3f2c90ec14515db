package portforward.hop.socks;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.logging.Logger;
import portforward.forward.Show;
import portforward.transport.Transport;

/**
 * A SOCKS5 UDP ASSOCIATE: one datagram socket faces the client (on the address it reached us at),
 * another the targets. The client's datagrams lose their header and go to the target it names;
 * only targets it has sent to may answer, and their datagrams get a header naming them. Fragments
 * (FRAG other than 0) are dropped and counted. It all ends when the TCP connection closes.
 */
public final class UdpAssociation {
    private final Logger log;
    /** Targets remembered as allowed to answer; the oldest is forgotten beyond this. */
    private static final int TARGETS = 256;

    private final Channel control;
    private final SocksSettings settings;
    private final InetSocketAddress expected;
    private final Set<InetSocketAddress> targets = new LinkedHashSet<>();
    private Channel toClient;
    private Channel toTargets;
    private InetSocketAddress client;
    private long sent;
    private long received;
    private long fragments;
    private long dropped;

    private UdpAssociation(Channel control, SocksSettings settings, InetSocketAddress expected, Logger log) {
        this.log = log;
        this.control = control;
        this.settings = settings;
        this.expected = expected;
    }

    /**
     * Opens the two sockets on {@code control}'s loop and answers {@code request} with the client
     * side's address, or with a failure if a socket cannot be opened.
     */
    public static void start(Transport transport, Channel control, SocksRequest request, SocksSettings settings,
            Logger log) {
        UdpAssociation association = new UdpAssociation(control, settings, request.address(), log);
        InetAddress local = ((InetSocketAddress) control.localAddress()).getAddress();
        InetAddress any = anyOf(local);
        ChannelFuture clientSide = association.bind(transport, local, association.new FromClient());
        ChannelFuture targetSide = association.bind(transport, any, association.new FromTargets());
        clientSide.addListener(a -> targetSide.addListener(b -> {
            if (!a.isSuccess() || !b.isSuccess()) {
                clientSide.channel().close();
                targetSide.channel().close();
                request.failed(a.isSuccess() ? b.cause() : a.cause());
                return;
            }
            association.toClient = clientSide.channel();
            association.toTargets = targetSide.channel();
            request.connected((InetSocketAddress) association.toClient.localAddress());
            control.pipeline().addLast(association.new Control());
            if (!control.isActive()) {
                association.end();
            } else {
                log.info(() -> "socks client " + Show.address(control.remoteAddress()) + " associated udp "
                        + Show.address(association.toClient.localAddress()));
            }
        }));
    }

    private static InetAddress anyOf(InetAddress local) {
        try {
            return InetAddress.getByAddress(new byte[local instanceof Inet4Address ? 4 : 16]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private ChannelFuture bind(Transport transport, InetAddress address, ChannelInboundHandlerAdapter handler) {
        return new Bootstrap().group(control.eventLoop()).channelFactory(transport.datagramFactory(address))
                .handler(handler).bind(address, 0);
    }

    private void end() {
        toClient.close();
        toTargets.close();
        log.info(() -> "socks client " + Show.address(control.remoteAddress()) + " ended its udp association: "
                + sent + " datagrams to targets, " + received + " back, " + fragments + " fragments and " + dropped
                + " others dropped");
    }

    /** The TCP connection only keeps the association alive: what it carries is read and dropped. */
    private final class Control extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Datagrams from the client, which must come from the address of its TCP connection. */
    private final class FromClient extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress sender = packet.sender();
            if (!fromClient(sender)) {
                dropped++;
                return;
            }
            client = sender;
            UdpHeader.Parsed parsed;
            InetSocketAddress target;
            // A name is looked up here, on the loop, which keeps the datagrams in order; clients name
            // their DNS servers by address, so this is rare, and the JDK caches what it finds.
            try {
                parsed = UdpHeader.parse(packet.content());
                target = new InetSocketAddress(InetAddress.getByName(parsed.host()), parsed.port());
            } catch (UdpHeader.MalformedException | UnknownHostException e) {
                dropped++;
                return;
            }
            if (parsed.frag() != 0) {
                fragments++;
                return;
            }
            // An IPv6 socket reaches IPv4 targets too; an IPv4 one (a client that came over IPv4) reaches only those.
            boolean mismatched = target.getAddress() instanceof Inet6Address
                    && ((InetSocketAddress) toTargets.localAddress()).getAddress() instanceof Inet4Address;
            if (parsed.port() == 0 || mismatched
                    || settings.allow().isPresent() && !settings.allow().get().permits(target.getAddress(), target.getPort())) {
                dropped++;
                log.fine(() -> "socks udp datagram to " + parsed.host() + ":" + parsed.port() + " dropped"
                        + (mismatched ? " (other address family)" : " (not allowed)"));
                return;
            }
            if (targets.add(target) && targets.size() > TARGETS) {
                targets.remove(targets.iterator().next());
            }
            sent++;
            toTargets.writeAndFlush(new DatagramPacket(parsed.data().retain(), target));
        }

        private boolean fromClient(InetSocketAddress sender) {
            InetAddress controlPeer = ((InetSocketAddress) control.remoteAddress()).getAddress();
            boolean named = !expected.getAddress().isAnyLocalAddress();
            return sender.getAddress().equals(named ? expected.getAddress() : controlPeer)
                    && (expected.getPort() == 0 || expected.getPort() == sender.getPort());
        }
    }

    /** Datagrams from targets, for the client, from targets it has sent to. */
    private final class FromTargets extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress from = packet.sender();
            if (client == null || !targets.contains(from)) {
                dropped++;
                return;
            }
            received++;
            ByteBuf wrapped = UdpHeader.wrap(ctx.alloc(), from, packet.content());
            toClient.writeAndFlush(new DatagramPacket(wrapped, client));
        }
    }
}
