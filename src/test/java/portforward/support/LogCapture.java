package portforward.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the relay's log lines so a test can wait for the one it expects. */
public final class LogCapture implements AutoCloseable {
    private static final Logger PORTFORWARD = Logger.getLogger("portforward");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Object signal = new Object();
    private final java.util.logging.Formatter formatter = new java.util.logging.SimpleFormatter();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getLevel() + " " + formatter.formatMessage(record));
            synchronized (signal) {
                signal.notifyAll();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public LogCapture() {
        PORTFORWARD.setLevel(Level.FINE);
        PORTFORWARD.addHandler(handler);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits until a line matching {@code wanted} is logged; returns it, or throws after the timeout. */
    public String await(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (signal) {
            while (true) {
                for (String line : lines) {
                    if (wanted.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no log line as expected within " + timeout + "; got:\n"
                            + String.join("\n", lines));
                }
                TimeUnit.NANOSECONDS.timedWait(signal, left);
            }
        }
    }

    public String await(String contains) throws InterruptedException {
        return await(line -> line.contains(contains), Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        PORTFORWARD.removeHandler(handler);
    }
}
