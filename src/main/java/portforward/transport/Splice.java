package portforward.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.RawUnixChannelOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Zero-copy relaying between two epoll TCP sockets: the kernel moves the bytes through a pipe
 * (splice(2)) and they never enter the JVM. Netty's splice keeps backpressure by itself (reading
 * pauses while the pipe cannot be emptied into the peer), but it cannot tell a socket's EOF from
 * "nothing yet", so the caller reads what follows the FIN with {@link #readRest} instead.
 *
 * Written for Netty 4.2.18, where spliceTo is deprecated but kept; ForcedPausedSpliceTest and
 * PipeSizeTest fail if splicing stops happening.
 */
public final class Splice {
    /** getsockopt(IPPROTO_TCP, TCP_INFO), up to and including tcpi_bytes_received. */
    private static final RawUnixChannelOption TCP_INFO = new RawUnixChannelOption("TCP_INFO", 6, 11, 136);
    private static final int BYTES_RECEIVED_OFFSET = 128;
    private static final int TIME_WAIT = 6;
    private static final int CLOSE = 7;
    private static final int CLOSE_WAIT = 8;
    private static final int LAST_ACK = 9;
    private static final int CLOSING = 11;

    private Splice() {
    }

    /**
     * Starts moving everything {@code from} reads to {@code to}, for as long as both are open.
     * The future fails with the socket error (a reset, say) that ended it.
     */
    @SuppressWarnings("deprecation")
    public static ChannelFuture start(Channel from, Channel to) {
        PipeSize.enlarge(to);
        return ((EpollSocketChannel) from).spliceTo((EpollSocketChannel) to, Integer.MAX_VALUE);
    }

    /**
     * The capacity of the pipe through which bytes are spliced into {@code to}: 64 KiB by default,
     * more where {@link PipeSize} could enlarge it; 0 before the first splice, or when the native
     * library that can ask the kernel is not loaded.
     */
    public static int pipeCapacity(Channel to) {
        return PipeSize.capacity(to);
    }

    /** Whether spliced links here get pipes larger than the kernel's default (see {@link PipeSize}). */
    public static boolean largePipes() {
        return PipeSize.available();
    }

    /**
     * Reads into {@code buf} what the socket of {@code channel} still holds after its FIN:
     * bytes read, or -1 at the end. Only for a spliced channel whose reading is paused.
     */
    public static int readRest(Channel channel, ByteBuf buf) throws IOException {
        ByteBuffer nio = buf.internalNioBuffer(buf.writerIndex(), buf.writableBytes());
        int n = ((EpollSocketChannel) channel).fd().read(nio, nio.position(), nio.limit());
        if (n > 0) {
            buf.writerIndex(buf.writerIndex() + n);
            return n;
        }
        return -1; // 0 would mean "try again later", which cannot happen once the FIN is in
    }

    /**
     * The bytes this socket has received so far (tcpi_bytes_received), or -1 when the kernel does
     * not say (closed socket, kernel before 4.1). Spliced bytes are counted here, not in the JVM.
     */
    public static long bytesReceived(Channel channel) {
        if (!channel.isOpen()) {
            return -1;
        }
        try {
            ByteBuffer info = channel.config().getOption(TCP_INFO).order(ByteOrder.nativeOrder());
            if (info.remaining() < BYTES_RECEIVED_OFFSET + 8) {
                return -1;
            }
            long received = info.getLong(info.position() + BYTES_RECEIVED_OFFSET);
            return finReceived(info.get(info.position()), channel) ? received - 1 : received;
        } catch (ChannelException e) {
            return -1;
        }
    }

    /**
     * The kernel counts the peer's FIN as a received byte. These tcpi_state values follow a FIN;
     * CLOSE follows a FIN too when both directions were shut (Netty shuts input only on a FIN).
     */
    private static boolean finReceived(byte state, Channel channel) {
        return state == TIME_WAIT || state == CLOSE_WAIT || state == LAST_ACK || state == CLOSING
                || state == CLOSE && ((DuplexChannel) channel).isInputShutdown();
    }
}
