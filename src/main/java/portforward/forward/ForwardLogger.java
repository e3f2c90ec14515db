package portforward.forward;

import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The logger of one named forward: it writes through {@code base} (same level, same handlers) and
 * marks each record with the forward's name, which the line and JSON formats then print, so
 * that every line of a process running many forwards says whose it is.
 */
public final class ForwardLogger extends Logger {
    /** Between the base logger's name and the forward's, in a record's logger name. */
    static final String MARK = "#";

    private final String forward;

    ForwardLogger(Logger base, String forward) {
        super(base.getName() + MARK + forward, null);
        this.forward = forward;
        setParent(base);
        setUseParentHandlers(true);
    }

    @Override
    public void log(LogRecord record) {
        record.setLoggerName(getName());
        super.log(record);
    }

    /** The forward a record belongs to, or null when it is the process's own. */
    public static String forwardOf(LogRecord record) {
        String name = record.getLoggerName();
        int mark = name == null ? -1 : name.indexOf(MARK);
        return mark < 0 ? null : name.substring(mark + MARK.length());
    }

    String forward() {
        return forward;
    }
}
