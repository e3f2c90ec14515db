package portforward.forward.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Receive buffers kept per event loop thread and reused by every datagram socket on that loop
 * (released when the thread ends). Netty's default allocator served each 64 KiB read buffer as a
 * fresh direct buffer, zeroed page by page, which cost more than the datagram's system calls.
 * {@link RightSized} copies each datagram out, which hands its buffer back; a loop keeps as many
 * as one wake-up's reads hold at once (NIO reads them all before passing any on). A buffer that a
 * handler keeps after all is simply not reused.
 *
 * <p>Where one receive call takes a batch ({@code batched}: epoll's recvmmsg), a wake-up makes one
 * call: a call that returned fewer than the batch has emptied the socket, and a full
 * batch already is the most a wake-up reads. Netty would otherwise call again until the socket
 * reports nothing, and in its recvmmsg a getsockopt comes before every call: two of a lone
 * datagram's six system calls. What is left or arrives after wakes the loop again at once (the
 * relay's epoll registrations are level-triggered).
 */
final class ReceiveBuffer extends DefaultMaxMessagesRecvByteBufAllocator {
    private final int size;
    private final boolean batched;
    private final FastThreadLocal<ByteBuf[]> spares = new FastThreadLocal<>() {
        @Override
        protected ByteBuf[] initialValue() {
            return new ByteBuf[maxMessagesPerRead()];
        }

        @Override
        protected void onRemoval(ByteBuf[] buffers) {
            for (ByteBuf buffer : buffers) {
                if (buffer != null) {
                    buffer.release();
                }
            }
        }
    };

    ReceiveBuffer(int size, int readsPerWakeup, boolean batched) {
        super(readsPerWakeup);
        this.size = size;
        this.batched = batched;
    }

    private ByteBuf allocate(ByteBufAllocator alloc) {
        ByteBuf[] buffers = spares.get();
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] == null) {
                buffers[i] = alloc.directBuffer(size, size);
            }
            if (buffers[i].refCnt() == 1) {
                return buffers[i].retain().clear();
            }
        }
        return alloc.directBuffer(size, size);
    }

    @Override
    public Handle newHandle() {
        return new MaxMessageHandle() {
            @Override
            public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
                return !batched && super.continueReading(maybeMoreDataSupplier);
            }

            @Override
            public ByteBuf allocate(ByteBufAllocator alloc) {
                return ReceiveBuffer.this.allocate(alloc);
            }

            @Override
            public int guess() {
                return size;
            }
        };
    }
}
