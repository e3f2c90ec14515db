package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import portforward.forward.LogEvent;

/** An event's fields are built for the json format only: the text format, per link, never pays for them. */
@Timeout(10)
class LogEventFieldsTest {

    @Test
    void theTextFormatNeverBuildsTheFields() {
        AtomicInteger built = new AtomicInteger();
        String line = logThrough(new LogSetup.LineFormatter(false), counted(built));
        assertTrue(line.endsWith("INFO  link 7 open" + System.lineSeparator()), line);
        assertEquals(0, built.get());
    }

    @Test
    void theJsonFormatBuildsThemOnceAndWritesThem() {
        AtomicInteger built = new AtomicInteger();
        String line = logThrough(new JsonLineFormatter(), counted(built));
        assertTrue(line.contains("\"event\":\"link_open\"") && line.contains("\"link\":7"), line);
        assertEquals(1, built.get());
    }

    private static Supplier<Map<String, Object>> counted(AtomicInteger built) {
        return () -> {
            built.incrementAndGet();
            return Map.of("link", 7);
        };
    }

    /** One link_open event logged through a handler with {@code formatter}; the line it wrote. */
    private static String logThrough(Formatter formatter, Supplier<Map<String, Object>> fields) {
        Logger log = Logger.getAnonymousLogger();
        log.setUseParentHandlers(false);
        log.setLevel(Level.ALL); // not the root logger's level, which other tests set
        StringBuilder out = new StringBuilder();
        log.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                out.append(formatter.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        LogEvent.info(log, "link_open", fields, () -> "link 7 open");
        return out.toString();
    }
}
