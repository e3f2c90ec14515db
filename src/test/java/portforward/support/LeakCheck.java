package portforward.support;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector (PARANOID, set by the build) reports a ByteBuf that was
 * never released. After each test it collects garbage and allocates, which is when the detector
 * reports what the collector found.
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {
    private static final Logger DETECTOR = Logger.getLogger("io.netty.util.ResourceLeakDetector");
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        DETECTOR.setLevel(Level.ALL);
        DETECTOR.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record.getMessage();
                if (message != null && message.contains("LEAK")) {
                    LEAKS.add(message);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        LEAKS.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 64; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                heap.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            fail("Netty reported " + LEAKS.size() + " leaked buffer(s):\n" + LEAKS.get(0));
        }
    }
}
