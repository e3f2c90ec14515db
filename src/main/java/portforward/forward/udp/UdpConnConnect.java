package portforward.forward.udp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.Promise;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.Agent;
import portforward.forward.AgentPool;
import portforward.forward.RelayContext;
import portforward.forward.Show;
import portforward.forward.StartException;

/**
 * udp conn-conn, the agent: keeps --pool sockets toward SOCK1 (normally a rendezvous relay), each
 * knocking so that the relay holds a session for it. The first datagram one of them receives
 * opens a {@link UdpSession} toward SOCK2, and a replacement joins the {@link AgentPool}.
 */
public final class UdpConnConnect implements Agent {
    private static final Logger LOG = Logger.getLogger("portforward.udp");
    /** Knock at least this often, so that NAT mappings and the relay's waiting session stay. */
    private static final Duration MAX_KNOCK_INTERVAL = Duration.ofSeconds(30);

    private final RelayContext context;
    private final Endpoint relay;
    private final Endpoint target;
    private final AgentPool pool;
    private final DropReport drops;
    /** Half the pair timeout, so a relay started with the same --pair-timeout never expires us. */
    private final Duration knockInterval;
    private boolean refusalReported;

    public UdpConnConnect(RelayContext context) {
        this.context = context;
        this.relay = context.spec().first();
        this.target = context.spec().second();
        this.pool = new AgentPool(context, LOG, "cannot open a udp socket to " + relay.address());
        this.drops = new DropReport(pool.loop(), context.spec().maxSessions(), context.events(), context.log(DropReport.LOG));
        Duration half = context.spec().pairTimeout().dividedBy(2);
        this.knockInterval = half.compareTo(MAX_KNOCK_INTERVAL) < 0 ? half : MAX_KNOCK_INTERVAL;
    }

    @Override
    public void start() throws StartException {
        String alive = relay.isSecure() ? "secure hop, keepalive every " + IdleTimer.describe(context.spec().heartbeat())
                : "knocking every " + IdleTimer.describe(knockInterval);
        context.log(LOG).info(() -> "agent keeping " + Show.count(context.spec().pool(), "udp socket") + " to " + relay
                + " (" + alive + "), forwarding to " + target.address());
        pool.start(this::open);
    }

    /** Datagrams have nothing in flight worth a grace period: sockets and sessions close at once. */
    @Override
    public Future<?> stop(Duration grace) {
        pool.stop();
        context.closeLinks(); // marks the relay as stopping, so that sessions end saying "shutdown"
        return context.linkChannels().close().addListener(closed -> drops.report());
    }

    private void open() {
        if (context.stopping()) {
            return; // a socket opened now would register on a loop that is shutting down
        }
        EventLoop loop = context.group().next();
        PoolSocket socket = new PoolSocket(context, loop, target, drops, knockInterval, this);
        UdpSockets.connect(context, loop, relay, socket, drops).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && !context.stopping()) {
                socket.start(f.channel());
            }
            Promise<Channel> opened = loop.newPromise();
            pool.opened(f.isSuccess() ? opened.setSuccess(f.channel()) : opened.setFailure(f.cause()), true);
        });
    }

    /** A pool socket left the pool: it received its first datagram, or it closed. */
    void left(Channel channel) {
        pool.left(channel, null);
    }

    /** An idle pool socket gave up on a conn+s relay (no handshake, or silent): replaced after a backoff. */
    void failed(Channel channel, String cause) {
        pool.left(channel, cause);
    }

    /**
     * The relay answered a knock with ICMP port unreachable: nothing listens there (yet). Said
     * once, until a datagram from the relay shows it is back; the sockets keep knocking.
     */
    void refused(String cause) {
        pool.execute(() -> {
            if (!refusalReported) {
                refusalReported = true;
                context.log(LOG).warning(() -> relay.isSecure()
                        ? "relay " + relay.address() + " refused a handshake (" + cause + "); still trying"
                        : "relay " + relay.address() + " refused a knock (" + cause + "); still knocking every "
                        + IdleTimer.describe(knockInterval));
            }
        });
    }

    void answered() {
        pool.execute(() -> refusalReported = false);
    }
}
