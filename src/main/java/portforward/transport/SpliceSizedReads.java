package portforward.transport;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Netty's adaptive read sizes, except for how much one splice may move: Netty asks the read
 * handle's guess() for that, and the adaptive guess (at most 64 KiB, often far less) would cap
 * every splice below what the pipe holds. Copying reads are sized by the adaptive handle itself,
 * which never calls this guess(), so they are unchanged.
 *
 * Written for Netty 4.2.18 (its epoll splice sizes each splice by guess()); SpliceSizedReadsTest
 * fails if a Netty upgrade adds a handle method that is not forwarded.
 */
final class SpliceSizedReads implements RecvByteBufAllocator {
    /**
     * Splices as large as {@link PipeSize} makes pipes. Created when a TCP socket first asks for
     * it, so that a UDP relay never loads the native library.
     */
    static final RecvByteBufAllocator FOR_PIPES = new SpliceSizedReads(PipeSize.BYTES);

    private final RecvByteBufAllocator adaptive = new AdaptiveRecvByteBufAllocator();
    private final int spliceBytes;

    SpliceSizedReads(int spliceBytes) {
        this.spliceBytes = spliceBytes;
    }

    @Override
    public Handle newHandle() {
        return new SpliceSizedHandle((ExtendedHandle) adaptive.newHandle(), spliceBytes);
    }

    static final class SpliceSizedHandle extends DelegatingHandle implements ExtendedHandle {
        private final int spliceBytes;

        SpliceSizedHandle(ExtendedHandle adaptive, int spliceBytes) {
            super(adaptive);
            this.spliceBytes = spliceBytes;
        }

        @Override
        public int guess() {
            return spliceBytes;
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return ((ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
        }
    }
}
