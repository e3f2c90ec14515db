package portforward.forward.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.LogEvent;
import portforward.forward.RelayContext;
import portforward.forward.RelayStats.SessionEnd;
import portforward.forward.Show;
import portforward.hop.secure.udp.SecureDatagramSocket;

/**
 * One client's flow in listen-conn or in the agent. Its datagrams go out on a socket of the
 * session's own, connected to the target, so the target sees one source port per client and its
 * replies find their way back. The session is that socket's handler and lives on its event loop.
 */
final class UdpSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger("portforward.udp");

    private final RelayContext context;
    private final EventLoop loop;
    private final long id;
    private final Peer client;
    private final Endpoint target;
    private final DropReport drops;
    private final Consumer<UdpSession> onEnd;
    private final IdleTimer idle;
    /** What the client sent while the socket to the target was still being opened. */
    private final HeldDatagrams connecting = new HeldDatagrams();
    private final Traffic traffic = new Traffic();
    private final long startNanos = System.nanoTime();
    private Channel channel;
    private Peer toTarget;
    private boolean connected;
    private boolean ended;
    private long errors;
    private String lastError = "";

    /**
     * A session for {@code client} whose socket will live on {@code loop}; {@code onEnd} runs once
     * when the session ends, whatever the reason. Nothing is sent until {@link #connect()}.
     */
    UdpSession(RelayContext context, EventLoop loop, Peer client, Endpoint target, DropReport drops,
            Consumer<UdpSession> onEnd) {
        this.context = context;
        this.loop = loop;
        this.id = context.nextLinkId();
        this.client = client;
        this.target = target;
        this.drops = drops;
        this.onEnd = onEnd;
        Duration timeout = context.spec().udpTimeout();
        context.events().sessionOpened();
        this.idle = new IdleTimer(loop, timeout, () -> end(SessionEnd.IDLE, "idle for " + IdleTimer.describe(timeout)));
    }

    /**
     * Opens the socket toward the target (resolving its name now). Called once the session is
     * registered, because a socket that cannot be opened ends the session at once.
     */
    void connect() {
        UdpSockets.connect(context, loop, target, this, drops).addListener(f -> connected((ChannelFuture) f));
    }

    private void connected(ChannelFuture f) {
        if (!f.isSuccess()) {
            end(SessionEnd.TARGET_FAILED, "target " + target.address() + ": " + Show.cause(f.cause()), Level.WARNING);
            return;
        }
        if (ended || context.stopping()) {
            f.channel().close();
            end(SessionEnd.SHUTDOWN, "shutdown"); // ended already, unless the agent is stopping
            return;
        }
        channel = f.channel();
        context.track(channel);
        if (target.isSecure()) {
            Channel socket = channel;
            context.handshakeTurns().run(loop, () -> SecureDatagramSocket.start(socket, false)).addListener(this::secured);
            return;
        }
        opened();
    }

    /** The secure hop toward a conn+s target finished its handshake, or gave up. */
    private void secured(io.netty.util.concurrent.Future<?> ready) {
        context.events().handshake(ready.isSuccess());
        if (ended) {
            return;
        }
        if (!ready.isSuccess()) {
            end(SessionEnd.TARGET_FAILED, "target " + target.address() + ": " + ready.cause().getMessage(), Level.WARNING);
            return;
        }
        opened();
    }

    private void opened() {
        toTarget = Peer.connected(channel);
        connected = true;
        LogEvent.info(context.log(LOG), "session_open", () -> Map.of("session", id, "client", Show.address(client.address()),
                "target", Show.address(toTarget.address())), () -> "session " + id + " open: " + Show.address(client.address()) + " <-> "
                + Show.address(toTarget.address()) + " (the target sees " + Show.address(channel.localAddress()) + ")");
        connecting.drainTo(this::sendToTarget);
    }

    /** A datagram from the client; taken, whatever becomes of it. */
    void fromClient(ByteBuf datagram) {
        if (ended) {
            datagram.release();
            drop(DropReport.Reason.UNDELIVERED, 1);
            return;
        }
        idle.touch();
        if (!connected) {
            if (!connecting.offer(datagram)) {
                drop(DropReport.Reason.HOLD_FULL, 1);
            }
            return;
        }
        sendToTarget(datagram);
    }

    /** The client opened the session with a knock (taken): counted, forwarded nowhere. */
    void knocked(ByteBuf knock) {
        knock.release();
        idle.touch();
        drop(DropReport.Reason.KNOCK, 1);
    }

    private void sendToTarget(ByteBuf datagram) {
        traffic.send(datagram, toTarget, true, drops);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        idle.touch();
        traffic.send(((DatagramPacket) msg).content(), client, false, drops);
    }

    /** Errors on a connected UDP socket are ICMP reports (port unreachable); the flow goes on. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors++;
        lastError = Show.cause(cause);
        context.log(LOG).fine(() -> "session " + id + ": " + lastError);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SecureDatagramSocket.Silent silent) {
            end(SessionEnd.SOCKET_CLOSED, "secure hop to " + target.address() + " " + silent.why(), Level.WARNING);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (context.stopping()) {
            end(SessionEnd.SHUTDOWN, "shutdown");
        } else {
            end(SessionEnd.SOCKET_CLOSED, "socket closed");
        }
        ctx.fireChannelInactive();
    }

    private void drop(DropReport.Reason reason, long datagrams) {
        traffic.dropped(reason, datagrams, drops);
    }

    void end(SessionEnd why, String reason) {
        end(why, reason, Level.INFO);
    }

    /** Ends the session once: closes its socket, drops what is still held, and says so at {@code level}. */
    private void end(SessionEnd why, String reason, Level level) {
        if (ended) {
            return;
        }
        ended = true;
        idle.cancel();
        drop(DropReport.Reason.UNDELIVERED, connecting.discard());
        if (channel != null && !channel.eventLoop().isShuttingDown()) {
            // A loop that is shutting down closes its own channels; asked from another loop, the
            // close could only be refused, with a warning from Netty.
            channel.close();
        }
        onEnd.accept(this);
        long nanos = System.nanoTime() - startNanos;
        String targetName = connected ? Show.address(toTarget.address()) : target.address();
        String errorNote = errors == 0 ? "" : ", " + errors + " error" + (errors == 1 ? "" : "s") + " (" + lastError + ")";
        LogEvent.log(context.log(LOG), level, "session_close",
                () -> traffic.fields(id, Show.address(client.address()), targetName, nanos, reason),
                () -> "session " + id + " closed (" + reason + ") after " + Show.seconds(nanos) + ": "
                + traffic.describe(Show.address(client.address()), targetName) + errorNote);
        traffic.closed(context.events(), why);
    }
}
