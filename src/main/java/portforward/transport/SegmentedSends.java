package portforward.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Sends a run of equal-sized datagrams written to a connected epoll socket before one flush as one
 * UDP_SEGMENT (GSO) send: the kernel takes them through its send path as one packet and cuts them
 * apart again, each datagram whole, on the way out. A datagram of another size, or a write that
 * wants its outcome, ends the run, so the order stays as written.
 *
 * A segmented send fails where the path cannot take it (a segment larger than the route's MTU
 * allows, an IPsec route): its datagrams then go again one by one, and the socket stops joining
 * them. Until a run is sent, each of its datagrams is held once more for that case.
 */
final class SegmentedSends extends ChannelOutboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger("portforward.udp");
    /** UDP_MAX_SEGMENTS of every kernel that has UDP_SEGMENT (4.18 on). */
    private static final int MAX_SEGMENTS = 64;
    /** What one IPv4 or IPv6 packet holds, with room for either family's headers. */
    static final int MAX_RUN_BYTES = 65000;

    private final int maxRunBytes;
    private List<ByteBuf> run = new ArrayList<>(MAX_SEGMENTS);
    private int runBytes;
    private boolean failed;

    SegmentedSends() {
        this(MAX_RUN_BYTES);
    }

    /** With a larger {@code maxRunBytes} than a packet holds, for a test that needs a send to fail. */
    SegmentedSends(int maxRunBytes) {
        this.maxRunBytes = maxRunBytes;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (failed || !(msg instanceof ByteBuf datagram) || !promise.isVoid() || !datagram.isReadable()) {
            send(ctx);
            ctx.write(msg, promise);
            return;
        }
        int n = datagram.readableBytes();
        if (!run.isEmpty() && (n != run.get(0).readableBytes() || run.size() == MAX_SEGMENTS
                || runBytes + n > maxRunBytes)) {
            send(ctx);
        }
        run.add(datagram);
        runBytes += n;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        send(ctx);
        ctx.flush();
    }

    private void send(ChannelHandlerContext ctx) {
        if (run.isEmpty()) {
            return;
        }
        runBytes = 0;
        if (run.size() == 1) { // the usual case, a lone datagram per flush: the list is kept for the next
            ByteBuf only = run.get(0);
            run.clear();
            ctx.write(only, ctx.voidPromise());
            return;
        }
        List<ByteBuf> datagrams = run; // held until the send's outcome is known
        run = new ArrayList<>(MAX_SEGMENTS);
        CompositeByteBuf joined = ctx.alloc().compositeDirectBuffer(datagrams.size());
        for (ByteBuf datagram : datagrams) {
            joined.addComponent(true, datagram.retain());
        }
        int segment = datagrams.get(0).readableBytes();
        InetSocketAddress to = (InetSocketAddress) ctx.channel().remoteAddress();
        ctx.write(new SegmentedDatagramPacket(joined, segment, to)).addListener(f -> sent(ctx, f, datagrams));
    }

    private void sent(ChannelHandlerContext ctx, Future<?> f, List<ByteBuf> datagrams) {
        if (f.isSuccess() || !ctx.channel().isOpen()) {
            datagrams.forEach(ByteBuf::release);
            return;
        }
        if (!failed) {
            failed = true;
            LOG.fine(() -> "udp " + ctx.channel().localAddress() + ": segmented send failed (" + f.cause()
                    + "); sending datagrams one by one");
        }
        datagrams.forEach(datagram -> ctx.write(datagram, ctx.voidPromise()));
        ctx.flush();
    }

    /** Whether a segmented send has failed, so that this socket now sends one datagram at a time. */
    boolean failed() {
        return failed;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        run.forEach(ByteBuf::release);
        run.clear();
    }
}
