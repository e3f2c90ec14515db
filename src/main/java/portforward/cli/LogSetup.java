package portforward.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import portforward.forward.ForwardLogger;
import portforward.forward.LogEvent;

/** Timestamped one-line logs on stderr; Netty's own chatter only at warning unless -v. */
public final class LogSetup {
    /** Lines shown at every verbosity, -q included: what the user needs or asked for. */
    static final Logger NOTICE = Logger.getLogger("portforward.notice");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private LogSetup() {
    }

    public enum Verbosity { QUIET, NORMAL, VERBOSE }

    public static void configure(Verbosity verbosity, PrintStream err) {
        configure(verbosity, err, "text", false);
    }

    /**
     * {@code format}: text or json. {@code named}: the process runs several forwards, so a text
     * line says whose it is (a json line always does).
     */
    public static void configure(Verbosity verbosity, PrintStream err, String format, boolean named) {
        Logger root = Logger.getLogger("");
        for (Handler old : root.getHandlers()) {
            root.removeHandler(old);
        }
        Handler handler = new LineHandler(err, format.equals("json") ? new JsonLineFormatter() : new LineFormatter(named));
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.WARNING);
        Level ours = switch (verbosity) {
            case QUIET -> Level.WARNING;
            case NORMAL -> Level.INFO;
            case VERBOSE -> Level.FINE;
        };
        Logger.getLogger("portforward").setLevel(ours);
        NOTICE.setLevel(verbosity == Verbosity.VERBOSE ? Level.FINE : Level.INFO);
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

    /**
     * "yyyy-MM-dd HH:mm:ss.SSS LEVEL [forward] message", the forward named only in a process
     * running several. Busy relays log two lines per link, so the
     * timestamp is not formatted per line: the part up to the second is kept until the second
     * changes, and the milliseconds are appended by hand.
     */
    static final class LineFormatter extends Formatter {
        private final ZoneId zone = ZoneId.systemDefault();
        private final boolean named;

        LineFormatter(boolean named) {
            this.named = named;
        }
        private Second second = new Second(Long.MIN_VALUE, "");

        private record Second(long epochSecond, String text) {
        }

        @Override
        public String format(LogRecord r) {
            Instant at = r.getInstant();
            Second s = second;
            if (s.epochSecond() != at.getEpochSecond()) {
                s = new Second(at.getEpochSecond(), TIME.format(LocalDateTime.ofInstant(at, zone)));
                second = s; // racing threads each compute the same text; no lock needed
            }
            int millis = at.getNano() / 1_000_000;
            String message = (r.getParameters() == null || LogEvent.of(r).isPresent()) && r.getResourceBundle() == null
                    ? r.getMessage() : formatMessage(r);
            StringBuilder line = new StringBuilder(s.text().length() + message.length() + 16)
                    .append(s.text()).append(millis < 10 ? ".00" : millis < 100 ? ".0" : ".").append(millis)
                    .append(' ').append(levelWord(r.getLevel())).append(' ');
            String forward = named ? ForwardLogger.forwardOf(r) : null;
            if (forward != null) {
                line.append('[').append(forward).append("] ");
            }
            line.append(message);
            Throwable t = r.getThrown();
            if (t != null && r.getLevel().intValue() < Level.INFO.intValue()) {
                StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
            } else if (t != null) {
                line.append(": ").append(t);
            }
            return line.append(System.lineSeparator()).toString();
        }
    }

    private static final class LineHandler extends Handler {
        private final PrintStream out;

        LineHandler(PrintStream out, Formatter format) {
            this.out = out;
            setFormatter(format);
        }

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                // Bytes, not print(String): one write(2) per line without PrintStream's encoder layers.
                byte[] line = getFormatter().format(record).getBytes(StandardCharsets.UTF_8);
                out.write(line, 0, line.length);
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
