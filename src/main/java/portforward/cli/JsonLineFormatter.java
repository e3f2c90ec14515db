package portforward.cli;

import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import portforward.forward.ForwardLogger;
import portforward.forward.LogEvent;

/**
 * {@code --log-format json}: one object a line with time (ISO-8601, UTC), level, forward (null
 * for the process's own lines), event ("log" for a line that is no event), message (the text
 * line), then the event's fields.
 */
final class JsonLineFormatter extends Formatter {

    @Override
    public String format(LogRecord r) {
        StringBuilder out = new StringBuilder(256).append('{');
        field(out, "time", r.getInstant().toString());
        field(out, "level", LogSetup.levelWord(r.getLevel()).strip());
        field(out, "forward", ForwardLogger.forwardOf(r));
        LogEvent event = LogEvent.of(r).orElse(null);
        field(out, "event", event == null ? "log" : event.name());
        field(out, "message", event == null && r.getParameters() != null ? formatMessage(r) : r.getMessage());
        if (r.getThrown() != null) {
            field(out, "error", r.getThrown().toString());
        }
        if (event != null) {
            for (Map.Entry<String, Object> f : new TreeMap<>(event.fields()).entrySet()) { // a stable order
                field(out, f.getKey(), f.getValue());
            }
        }
        out.setLength(out.length() - 1); // the last comma
        return out.append('}').append(System.lineSeparator()).toString();
    }

    private static void field(StringBuilder out, String name, Object value) {
        string(out, name);
        out.append(':');
        if (value == null) {
            out.append("null");
        } else if (value instanceof Long || value instanceof Integer) {
            out.append(value);
        } else if (value instanceof Double d && Double.isFinite(d)) {
            out.append(d);
        } else {
            string(out, value.toString());
        }
        out.append(',');
    }

    /** A JSON string: quotes, backslashes and control characters escaped. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
