package portforward.forward.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import portforward.forward.LogEvent;
import portforward.forward.RelayContext;
import portforward.forward.RelayStats.LinkEnd;
import portforward.forward.Show;
import portforward.hop.ClientAddress;
import portforward.hop.secure.PeerResetException;
import portforward.hop.secure.SecureHop;
import portforward.transport.Resets;
import portforward.transport.Splice;

/**
 * Two joined TCP connections. Both channels live on one event loop, so the state here is only
 * ever touched by that loop's thread.
 */
final class Link {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");

    private final RelayContext context;
    private final long id;
    private final Channel a;
    private final Channel b;
    private final long startNanos = System.nanoTime();
    /** Whether the kernel can join the two sockets; see {@link Relay#SPLICE_AFTER}. */
    private final boolean spliceable;
    /** A spliced direction is counted from the kernel's TCP_INFO, not from reads. */
    private boolean splicedFromA;
    private boolean splicedFromB;
    private long aToB;
    private long bToA;
    private int outputsShut;
    private boolean finSentToA;
    private boolean finSentToB;
    /** Which side's FIN has come: a secure connection is reused only once both ways have ended. */
    private boolean finFromA;
    private boolean finFromB;
    private boolean closed;

    private Link(RelayContext context, long id, Channel a, Channel b) {
        this.context = context;
        this.id = id;
        this.a = a;
        this.b = b;
        // A rate-limited link is shaped in its pipeline, which spliced bytes would pass by.
        this.spliceable = context.transport().canSplice(a, b) && !SecureHop.isOn(a) && !SecureHop.isOn(b)
                && context.rateLimit().isEmpty();
    }

    /**
     * Joins {@code a} and {@code b} and starts reading both. What each side sent before the join
     * (and its FIN, if it came) is delivered first; this link releases those buffers.
     */
    static void join(RelayContext context, long id, Channel a, Channel b, Holding.Held fromA, Holding.Held fromB) {
        join(context, id, a, b, fromA, fromB, "");
    }

    /** As above; {@code via} ends the open line, such as " via socks to example.com:443". */
    static void join(RelayContext context, long id, Channel a, Channel b, Holding.Held fromA, Holding.Held fromB,
            String via) {
        Link link = new Link(context, id, a, b);
        LogEvent.info(context.log(LOG), "link_open", () -> Map.of("link", id,
                "client", link.client(), "target", Show.address(b.remoteAddress())),
                () -> "link " + id + " open: " + link.client() + " <-> " + Show.address(b.remoteAddress()) + via);
        context.rateLimit().ifPresent(limit -> limit.apply(a, b));
        context.events().linkOpened();
        context.track(a);
        context.track(b);
        a.pipeline().addLast("relay", new Relay(link, b, true));
        b.pipeline().addLast("relay", new Relay(link, a, false));
        link.sendHeld(fromA, a, b);
        link.sendHeld(fromB, b, a);
        resume(a);
        resume(b);
    }

    /**
     * The client's address: the one a PROXY header or an OPEN named, with the connection it came
     * over when that differs ("198.51.100.7:40000 via 10.0.0.2:5000").
     */
    private String client() {
        String client = Show.address(ClientAddress.of(a).client());
        return ClientAddress.learned(a) ? client + " via " + Show.address(a.remoteAddress()) : client;
    }

    private void sendHeld(Holding.Held held, Channel from, Channel to) {
        for (ByteBuf buf : held.buffers()) {
            count(from == a, buf.readableBytes());
            to.write(buf, to.voidPromise());
        }
        to.flush();
        if (held.inputShut()) {
            inputShutdown(from);
        }
    }

    /**
     * Closes with a reset, so the far end learns at once that its link is gone; over a secure hop
     * the reset is a record, which the far end turns into a reset of its own side.
     */
    static void abort(Channel channel) {
        if (SecureHop.isOn(channel)) {
            SecureHop.abort(channel);
            return;
        }
        if (channel.isActive()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        channel.close();
    }

    /** Reads again, unless this side already sent its FIN (there is nothing left to read). */
    static void resume(Channel channel) {
        if (!((DuplexChannel) channel).isInputShutdown()) {
            channel.config().setAutoRead(true);
        }
    }

    boolean spliceable() {
        return spliceable;
    }

    /**
     * From now on the kernel moves what {@code ctx}'s channel reads; bytes already read go first.
     * {@code paused}: reading waits for those bytes to drain into the peer, and resumes then.
     */
    void splice(ChannelHandlerContext ctx, boolean fromA, boolean paused) {
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true); // see endAtFin
        context.log(LOG).fine(() -> "link " + id + " spliced from " + Show.address(ctx.channel().remoteAddress())
                + (paused ? ", reading paused until the copied bytes drain" : ""));
        SpliceRelay splicing = new SpliceRelay(this, fromA ? b : a, paused);
        ctx.pipeline().replace(ctx.handler(), "relay", splicing);
        if (fromA) {
            splicedFromA = true;
        } else {
            splicedFromB = true;
        }
        splicing.start();
    }

    void count(boolean fromA, int bytes) {
        if (fromA) {
            aToB += bytes;
        } else {
            bToA += bytes;
        }
    }

    /** {@code from} sent FIN: carry it to the other side once what came before it is flushed. */
    void inputShutdown(Channel from) {
        if (from == a) {
            finFromA = true;
        } else {
            finFromB = true;
        }
        countFromKernel();
        Channel to = from == a ? b : a;
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess() || !to.isActive()) {
                finish(LinkEnd.CLOSED_BY_PEER, "closed by " + Show.address(to.remoteAddress()), false);
                return;
            }
            ChannelFuture fin = SecureHop.isOn(to) ? SecureHop.shutdownOutput(to) : context.transport().shutdownOutput(to);
            fin.addListener((ChannelFutureListener) shut -> {
                if (shut.isSuccess()) {
                    endAtFin(to);
                }
                if (++outputsShut == 2) {
                    finish(LinkEnd.EOF, "EOF", false);
                }
            });
        });
    }

    /**
     * {@code channel} has been sent our FIN, so its own FIN will end the link. Where its bytes are
     * copied, Netty may then simply close it: shutting the input of a socket closed both ways
     * fails (ENOTCONN), and Netty builds an exception with a stack trace for that on every link.
     * A spliced direction keeps half-closure, as it must see the FIN to read what follows the
     * last splice.
     */
    private void endAtFin(Channel channel) {
        if (channel == a) {
            finSentToA = true;
        } else {
            finSentToB = true;
        }
        // A secure hop must see its socket's end, to tell a cut stream from one its peer ended.
        if (!(channel == a ? splicedFromA : splicedFromB) && !SecureHop.isOn(channel)) {
            channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
        }
    }

    void failed(Channel where, Throwable cause) {
        String who = Show.address(where.remoteAddress());
        context.log(LOG).log(Level.FINE, cause, () -> "link " + id + " failed on " + who);
        if (Resets.isReset(cause) || cause instanceof PeerResetException) {
            finish(LinkEnd.RESET, "reset by " + who, true);
        } else {
            finish(LinkEnd.ERROR, "error on " + who + ": " + Show.cause(cause), true);
        }
    }

    void inactive(Channel where) {
        boolean finExchanged = where == a ? finSentToA : finSentToB;
        if (context.stopping()) {
            finish(LinkEnd.SHUTDOWN, "shutdown", false);
        } else if (finExchanged) {
            finish(LinkEnd.EOF, "EOF", false);
        } else {
            finish(LinkEnd.CLOSED_BY_PEER, "closed by " + Show.address(where.remoteAddress()), false);
        }
    }

    private void finish(LinkEnd end, String reason, boolean abort) {
        if (closed) {
            return;
        }
        closed = true;
        countFromKernel();

        for (Channel ch : new Channel[] {a, b}) {
            if (abort) {
                abort(ch);
            } else if (end == LinkEnd.EOF && (ch == a ? finFromA : finFromB) && Recycling.has(ch) && ch.isActive()) {
                // Both ways ended cleanly: the secure connection is kept for the next link.
                ChannelFuture fin = (ch == a ? finSentToA : finSentToB) ? ch.newSucceededFuture()
                        : SecureHop.shutdownOutput(ch);
                fin.addListener((ChannelFutureListener) sent -> {
                    if (!sent.isSuccess() || !Recycling.recycle(ch)) {
                        ch.close();
                    }
                });
            } else if (SecureHop.isOn(ch) && !(ch == a ? finSentToA : finSentToB) && ch.isActive()) {
                // Closing the socket alone would read as a cut stream over there: end it first.
                SecureHop.shutdownOutput(ch).addListener(ChannelFutureListener.CLOSE);
            } else {
                ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
        long nanos = System.nanoTime() - startNanos;
        LogEvent.info(context.log(LOG), "link_close", () -> Map.of("link", id,
                "client", client(), "target", Show.address(b.remoteAddress()),
                "bytes_to_target", aToB, "bytes_to_client", bToA, "duration_s", nanos / 1e9, "reason", reason),
                () -> "link " + id + " closed (" + reason + ") after " + Show.seconds(nanos) + ": "
                + Show.exactBytes(aToB) + " to " + Show.address(b.remoteAddress()) + ", "
                + Show.exactBytes(bToA) + " to " + client());
        context.events().linkClosed(end, aToB, bToA); // a is the client's side, b the target's
    }

    /**
     * What each socket received is what went the other way. Read before the channels close; a
     * side already closed keeps the count taken when its FIN came.
     */
    private void countFromKernel() {
        if (splicedFromA) {
            aToB = Math.max(aToB, Splice.bytesReceived(a));
        }
        if (splicedFromB) {
            bToA = Math.max(bToA, Splice.bytesReceived(b));
        }
    }
}
