package portforward.forward.udp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import portforward.forward.Forwarder;
import portforward.forward.LogEvent;
import portforward.forward.RelayContext;
import portforward.forward.RelayStats.SessionEnd;
import portforward.forward.RelayStats.Unpaired;
import portforward.forward.Show;
import portforward.forward.StartException;
import portforward.hop.secure.Strangers;
import portforward.forward.udp.RendezvousSession.Caller;
import portforward.hop.secure.udp.Keepalive;
import portforward.hop.secure.udp.PeerGone;

/**
 * udp listen-listen, the rendezvous relay: sessions (client addresses) on the two listeners are
 * paired in order of arrival. Both listeners and every session share one event loop, which keeps
 * the table and the waiting lines free of locks.
 */
public final class UdpListenListen implements Forwarder {
    private static final Logger LOG = Logger.getLogger("portforward.udp");

    private final RelayContext context;
    private final EventLoop loop;
    private final DropReport drops;
    private final UdpSessionTable<Caller, RendezvousSession> table;
    /** Unpaired sessions per listener, oldest first; a set so that an expiring one leaves in O(1). */
    private final List<LinkedHashSet<RendezvousSession>> waiting = List.of(new LinkedHashSet<>(), new LinkedHashSet<>());
    private final List<Optional<Strangers>> strangers;
    private Channel first;
    private Channel second;

    public UdpListenListen(RelayContext context) {
        this.context = context;
        this.loop = context.group().next();
        this.drops = new DropReport(loop, context.spec().maxSessions(), context.events(), context.log(DropReport.LOG));
        this.table = new UdpSessionTable<>(context.spec().maxSessions(), drops);
        this.strangers = List.of(UdpSockets.strangers(context, context.spec().first()),
                UdpSockets.strangers(context, context.spec().second()));
    }

    @Override
    public List<Strangers> secureListeners() {
        return strangers.stream().flatMap(Optional::stream).toList();
    }

    @Override
    public void start() throws StartException {
        first = UdpSockets.bind(context, context.spec().first(), loop, new Arrivals(0), drops, strangers.get(0));
        try {
            second = UdpSockets.bind(context, context.spec().second(), loop, new Arrivals(1), drops, strangers.get(1));
        } catch (StartException e) {
            first.close();
            throw e;
        }
        LogEvent.info(context.log(LOG), "listening", () -> Map.of("protocol", "udp", "address", Show.address(first.localAddress()),
                "address2", Show.address(second.localAddress())), () -> "listening on udp " + Show.address(first.localAddress()) + " and "
                + Show.address(second.localAddress()) + ", pairing sessions in order of arrival");
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return List.of((InetSocketAddress) first.localAddress(), (InetSocketAddress) second.localAddress());
    }

    /** Datagrams have nothing in flight worth a grace period: sessions end at once. */
    @Override
    public Future<?> stop(Duration grace) {
        return loop.submit(() -> {
            first.close();
            second.close();
            for (RendezvousSession session : table.snapshot()) {
                if (session.isPaired()) {
                    session.pair().end(SessionEnd.SHUTDOWN, "shutdown");
                } else {
                    unpaired(session, Unpaired.SHUTDOWN, "shutdown");
                }
            }
            drops.report();
        });
    }

    /** How many sessions (paired or waiting) are open, read on the loop that owns the table. */
    public Future<Integer> sessionCount() {
        return loop.submit(table::size);
    }

    private void arrived(RendezvousSession session) {
        int side = session.caller().side();
        Iterator<RendezvousSession> partners = waiting.get(1 - side).iterator();
        if (!partners.hasNext()) {
            waiting.get(side).add(session);
            context.events().waiting();
            context.log(LOG).fine(() -> "waiting for a partner: " + Show.address(session.peer().address()));
            return;
        }
        RendezvousSession partner = partners.next();
        partners.remove();
        context.events().waitingPaired();
        RendezvousSession zero = side == 0 ? session : partner;
        RendezvousSession one = side == 0 ? partner : session;
        RendezvousPair.join(context, loop, zero, one, drops, ended -> {
            table.remove(ended.first().caller(), ended.first());
            table.remove(ended.second().caller(), ended.second());
        });
    }

    /** A session leaves without a partner; it says so at info level only if that lost data (not knocks). */
    private void unpaired(RendezvousSession session, Unpaired why, String reason) {
        boolean wasWaiting = waiting.get(session.caller().side()).remove(session);
        table.remove(session.caller(), session);
        session.abandon();
        long nanos = System.nanoTime() - session.arrivedNanos();
        context.log(LOG).log(session.dropped().lost() > 0 ? Level.INFO : Level.FINE, () -> "unpaired session "
                + Show.address(session.peer().address()) + " closed (" + reason + ") after " + Show.seconds(nanos)
                + ": " + session.dropped().describe());
        if (wasWaiting) {
            context.events().waitingDropped(why);
        }
    }

    /**
     * Datagrams on one listener. On a listen+s listener they come opened, from peers that proved
     * the secret, and an agent's pool socket announces itself with a {@link Keepalive}, not a knock.
     */
    private final class Arrivals extends ChannelInboundHandlerAdapter {
        private final int side;
        private final boolean secure;

        Arrivals(int side) {
            this.side = side;
            this.secure = (side == 0 ? context.spec().first() : context.spec().second()).isSecure();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            InetSocketAddress sender = msg instanceof DatagramPacket packet ? packet.sender()
                    : msg instanceof Keepalive keepalive ? keepalive.sender() : null;
            if (msg instanceof PeerGone gone) {
                table.get(new Caller(side, gone.sender())).ifPresent(s -> {
                    if (s.isPaired()) {
                        s.pair().end(SessionEnd.SOCKET_CLOSED, "secure hop peer " + Show.address(gone.sender()) + " silent");
                    } else {
                        unpaired(s, Unpaired.CLIENT_LEFT, "secure hop peer silent");
                    }
                });
                return;
            }
            if (sender == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            Caller caller = new Caller(side, sender);
            Optional<RendezvousSession> known = table.get(caller);
            Duration pairTimeout = context.spec().pairTimeout();
            Optional<RendezvousSession> session = known.isPresent() ? known : table.open(caller, c -> new RendezvousSession(c,
                    Peer.behind(ctx.channel(), c.address()), !secure, loop, pairTimeout, drops,
                    expired -> unpaired(expired, Unpaired.NO_PARTNER, "no partner within " + IdleTimer.describe(pairTimeout))));
            if (session.isEmpty()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof DatagramPacket packet) {
                session.get().received(packet.content());
            } else {
                session.get().keepalive();
            }
            if (known.isEmpty()) {
                arrived(session.get()); // after its first datagram, so that a knock is known as one before pairing
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            context.log(LOG).fine(() -> "udp listener " + Show.address(ctx.channel().localAddress()) + ": " + Show.cause(cause));
        }
    }
}
