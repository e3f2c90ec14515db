package portforward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogLineTest {
    private final LogSetup.LineFormatter formatter = new LogSetup.LineFormatter(false);

    private String line(LocalDateTime at, Level level, String message) {
        LogRecord record = new LogRecord(level, message);
        record.setInstant(at.atZone(ZoneId.systemDefault()).toInstant());
        return formatter.format(record);
    }

    @Test
    void linesCarryTheLocalTimeToTheMillisecond() {
        LocalDateTime second = LocalDateTime.of(2026, 11, 21, 23, 59, 59);
        assertEquals("2026-11-21 23:59:59.005 INFO  link 1 open" + System.lineSeparator(),
                line(second.plusNanos(5_000_000), Level.INFO, "link 1 open"));
        assertEquals("2026-11-21 23:59:59.070 WARN  slow" + System.lineSeparator(),
                line(second.plusNanos(70_900_000), Level.WARNING, "slow"));
        // The next second (and day) is not mistaken for the one formatted before.
        assertEquals("2026-11-22 00:00:00.999 ERROR gone" + System.lineSeparator(),
                line(second.plusNanos(1_999_000_000), Level.SEVERE, "gone"));
        assertEquals("2026-11-21 23:59:59.100 DEBUG back" + System.lineSeparator(),
                line(second.plusNanos(100_000_000), Level.FINE, "back"));
    }
}
