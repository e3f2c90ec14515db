package portforward.support;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An allocator that remembers the most direct memory its live buffers ever held at once. Every
 * buffer is its own allocation, so the figure is what the relay holds, not what a pool reserved.
 * Leak detection stays on: this allocator wraps what the unpooled one makes.
 */
public final class PeakDirectMemory extends AbstractByteBufAllocator {
    private final UnpooledByteBufAllocator unpooled = new UnpooledByteBufAllocator(true, true);
    private final AtomicLong peak = new AtomicLong();

    public PeakDirectMemory() {
        super(true);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buffer = unpooled.directBuffer(initialCapacity, maxCapacity);
        peak.accumulateAndGet(unpooled.metric().usedDirectMemory(), Math::max);
        return buffer;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return unpooled.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** Starts a new peak from what is held now, and returns that. */
    public long resetPeak() {
        long now = unpooled.metric().usedDirectMemory();
        peak.set(now);
        return now;
    }

    public long peak() {
        return peak.get();
    }
}
