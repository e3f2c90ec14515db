package portforward.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The records the relay logs while a body runs, at FINE and up, for tests of the log formats. */
public final class LogRecords {
    /** What runs while the records are caught. */
    public interface Body {
        void run() throws Exception;
    }

    private LogRecords() {
    }

    public static List<LogRecord> during(Body body) throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger portforward = Logger.getLogger("portforward");
        Level level = portforward.getLevel();
        portforward.setLevel(Level.FINE);
        portforward.addHandler(handler);
        try {
            body.run();
        } finally {
            portforward.removeHandler(handler);
            portforward.setLevel(level);
        }
        return records;
    }
}
