package portforward.forward;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What a log line says, as data: an event name ({@code link_close}) and its fields, carried as
 * the record's parameter beside the text line, so that {@code --log-format json} writes fields
 * and not a parse of the wording. Built only when the level is on, and the fields only when a
 * formatter asks for them: the text format never does, and building them (a map, boxed counts,
 * formatted addresses) was a tenth of what a link allocated.
 */
public record LogEvent(String name, Supplier<Map<String, Object>> fieldSource) {

    /** The event's fields, as of now: formatters ask while the record is being logged. */
    public Map<String, Object> fields() {
        return fieldSource.get();
    }

    public static void log(Logger log, Level level, String event, Supplier<Map<String, Object>> fields,
            Supplier<String> text) {
        if (!log.isLoggable(level)) {
            return;
        }
        LogRecord record = new LogRecord(level, text.get());
        record.setParameters(new Object[] {new LogEvent(event, fields)});
        record.setLoggerName(log.getName());
        log.log(record);
    }

    public static void info(Logger log, String event, Supplier<Map<String, Object>> fields, Supplier<String> text) {
        log(log, Level.INFO, event, fields, text);
    }

    /** The event a record carries, if it was logged as one. */
    public static Optional<LogEvent> of(LogRecord record) {
        Object[] parameters = record.getParameters();
        return parameters != null && parameters.length == 1 && parameters[0] instanceof LogEvent e
                ? Optional.of(e) : Optional.empty();
    }
}
