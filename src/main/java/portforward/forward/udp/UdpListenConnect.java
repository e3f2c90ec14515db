package portforward.forward.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.Forwarder;
import portforward.forward.LogEvent;
import portforward.forward.RelayContext;
import portforward.forward.RelayStats.SessionEnd;
import portforward.forward.Show;
import portforward.forward.StartException;
import portforward.hop.secure.Strangers;
import portforward.hop.secure.udp.PeerGone;

/**
 * udp listen-conn: each client address seen on the listener gets a {@link UdpSession} with its own
 * socket toward the target. The listener and all its sessions share one event loop, so the table
 * needs no locks; no session can hold up another, because a backlogged socket drops, not queues.
 */
public final class UdpListenConnect implements Forwarder {
    private static final Logger LOG = Logger.getLogger("portforward.udp");

    private final RelayContext context;
    private final Endpoint listen;
    private final Endpoint target;
    private final EventLoop loop;
    private final DropReport drops;
    private final UdpSessionTable<InetSocketAddress, UdpSession> table;
    private final Optional<Strangers> strangers;
    private Channel listener;

    public UdpListenConnect(RelayContext context, Endpoint listen, Endpoint target) {
        this.context = context;
        this.listen = listen;
        this.target = target;
        this.loop = context.group().next();
        this.drops = new DropReport(loop, context.spec().maxSessions(), context.events(), context.log(DropReport.LOG));
        this.table = new UdpSessionTable<>(context.spec().maxSessions(), drops);
        this.strangers = UdpSockets.strangers(context, listen);
    }

    @Override
    public List<Strangers> secureListeners() {
        return strangers.stream().toList();
    }

    @Override
    public void start() throws StartException {
        listener = UdpSockets.bind(context, listen, loop, new ClientDatagrams(), drops, strangers);
        LogEvent.info(context.log(LOG), "listening", () -> Map.of("protocol", "udp", "address", Show.address(listener.localAddress()),
                "target", target.address()), () -> "listening on udp " + Show.address(listener.localAddress()) + ", forwarding to "
                + target.address());
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return List.of((InetSocketAddress) listener.localAddress());
    }

    /** Datagrams have nothing in flight worth a grace period: sessions end at once. */
    @Override
    public Future<?> stop(Duration grace) {
        return loop.submit(() -> {
            listener.close();
            table.snapshot().forEach(session -> session.end(SessionEnd.SHUTDOWN, "shutdown"));
            drops.report();
        });
    }

    /** How many sessions are open, read on the loop that owns the table. */
    public Future<Integer> sessionCount() {
        return loop.submit(table::size);
    }

    /** Client datagrams; on a listen+s listener, the opened ones of peers that proved the secret. */
    private final class ClientDatagrams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet) {
                received(ctx, packet);
            }
            if (msg instanceof PeerGone gone) {
                table.get(gone.sender()).ifPresent(s -> s.end(SessionEnd.SOCKET_CLOSED, "secure hop peer silent"));
            }
            // else a Keepalive: the secure hop's own, which opens no session and keeps none going
        }

        private void received(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress client = packet.sender();
            Optional<UdpSession> known = table.get(client);
            if (known.isPresent()) {
                known.get().fromClient(packet.content());
                return;
            }
            Optional<UdpSession> opened = table.open(client, c -> new UdpSession(context, loop,
                    Peer.behind(ctx.channel(), c), target, drops, ended -> table.remove(c, ended)));
            if (opened.isEmpty()) {
                packet.release();
                return;
            }
            // Only the first datagram of a new session can be a knock; every later one is data. On a
            // listen+s listener keepalives replaced the knock: every datagram that opens is data.
            if (!listen.isSecure() && Knock.is(packet.content())) {
                opened.get().knocked(packet.content());
            } else {
                opened.get().fromClient(packet.content());
            }
            opened.get().connect();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            context.log(LOG).fine(() -> "udp listener " + Show.address(ctx.channel().localAddress()) + ": " + Show.cause(cause));
        }
    }
}
