package portforward.forward.udp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Datagrams waiting for their way out (a session not yet paired, or a socket still connecting),
 * kept in order and bounded by count and bytes.
 */
final class HeldDatagrams {
    static final int MAX_DATAGRAMS = 64;
    static final int MAX_BYTES = 256 * 1024;

    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private int bytes;

    /**
     * Takes {@code datagram}: keeps it, or releases it and returns false when the bound is reached.
     * Received datagrams arrive right-sized ({@link RightSized}), so keeping one costs its size.
     */
    boolean offer(ByteBuf datagram) {
        int n = datagram.readableBytes();
        if (queue.size() >= MAX_DATAGRAMS || bytes + n > MAX_BYTES) {
            datagram.release();
            return false;
        }
        queue.addLast(datagram);
        bytes += n;
        return true;
    }

    /** Hands every held datagram, oldest first, to {@code sink}, which takes ownership. */
    void drainTo(Consumer<ByteBuf> sink) {
        ByteBuf next;
        while ((next = queue.pollFirst()) != null) {
            bytes -= next.readableBytes();
            sink.accept(next);
        }
    }

    /** Releases whatever is still held and returns how many datagrams that was. */
    int discard() {
        int n = queue.size();
        queue.forEach(ByteBuf::release);
        queue.clear();
        bytes = 0;
        return n;
    }
}
