package portforward.cli;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Timestamped one-line logs on stderr; Netty's own chatter only at warning unless -v. */
public final class LogSetup {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private LogSetup() {
    }

    public enum Verbosity { QUIET, NORMAL, VERBOSE }

    public static void configure(Verbosity verbosity, PrintStream err) {
        Logger root = Logger.getLogger("");
        for (Handler old : root.getHandlers()) {
            root.removeHandler(old);
        }
        Handler handler = new LineHandler(err);
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.WARNING);
        Level ours = switch (verbosity) {
            case QUIET -> Level.WARNING;
            case NORMAL -> Level.INFO;
            case VERBOSE -> Level.FINE;
        };
        Logger.getLogger("portforward").setLevel(ours);
        Logger.getLogger("io.netty").setLevel(verbosity == Verbosity.VERBOSE ? Level.INFO : Level.WARNING);
    }

    static String levelWord(Level level) {
        if (level.intValue() >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (level.intValue() >= Level.WARNING.intValue()) {
            return "WARN ";
        }
        if (level.intValue() >= Level.INFO.intValue()) {
            return "INFO ";
        }
        return "DEBUG";
    }

    private static final class LineHandler extends Handler {
        private final PrintStream out;

        LineHandler(PrintStream out) {
            this.out = out;
            setFormatter(new Formatter() {
                @Override
                public String format(LogRecord r) {
                    StringBuilder line = new StringBuilder(128)
                            .append(TIME.format(LocalDateTime.now()))
                            .append(' ').append(levelWord(r.getLevel())).append(' ')
                            .append(formatMessage(r));
                    Throwable t = r.getThrown();
                    if (t != null && r.getLevel().intValue() < Level.INFO.intValue()) {
                        java.io.StringWriter trace = new java.io.StringWriter();
                        t.printStackTrace(new java.io.PrintWriter(trace));
                        line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
                    } else if (t != null) {
                        line.append(": ").append(t);
                    }
                    return line.append(System.lineSeparator()).toString();
                }
            });
        }

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                out.print(getFormatter().format(record));
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
