package portforward.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import portforward.endpoint.BadInputException;
import portforward.endpoint.Endpoint;
import portforward.endpoint.RelaySpec;
import portforward.forward.Show;
import portforward.hop.socks.SocksSettings;

/**
 * A --config file: one forward a line in the words of a command line, optionally named
 * ({@code ssh: tcp listen:0.0.0.0:2222 conn:10.0.0.5:22}); {@code #} starts a comment; a line of
 * options alone applies to the forwards below it, except the process's own options (-v, -q,
 * --metrics, --transport, --secret-file), which apply to the whole process wherever they stand.
 * The whole file is checked before anything starts, and every bad line is reported.
 */
final class ConfigFile {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    /**
     * One forward of the file: its name (the line number when it has none), its line, its spec,
     * and for a secure or socks forward the words it was made from (a secret or a user list has
     * no equality of its own: a reload compares what the user wrote).
     */
    record Forward(String name, int line, RelaySpec spec, String words) {
        /** Whether a reload may leave {@code running} as it is, to run this. */
        boolean sameAs(Forward running) {
            return name.equals(running.name) && words.equals(running.words)
                    && comparable(spec).equals(comparable(running.spec));
        }

        private static RelaySpec comparable(RelaySpec s) {
            return new RelaySpec(s.protocol(), s.first(), s.second(), s.connectTimeout(), s.pairTimeout(), s.pool(),
                    s.udpTimeout(), s.maxSessions(), Optional.empty(), s.heartbeat(), SocksSettings.OPEN, s.access(),
                    s.rekey(), s.rekeyDatagrams());
        }
    }

    /** The forwards, and the process settings the file gave (the command line may override them). */
    record Config(List<Forward> forwards, Optional<LogSetup.Verbosity> verbosity, Optional<String> transport,
            Optional<java.net.InetSocketAddress> metrics, Optional<String> logFormat) {
    }

    /** Every bad line of a file, each as {@code FILE:LINE: reason}. */
    static final class BadConfigException extends Exception {
        private final List<String> lines;

        BadConfigException(List<String> lines) {
            super(String.join("\n", lines));
            this.lines = List.copyOf(lines);
        }

        List<String> lines() {
            return lines;
        }
    }

    private ConfigFile() {
    }

    static Config read(Path file, Map<String, String> env) throws BadConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadConfigException(List.of(file + ": no such file"));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new BadConfigException(List.of(file + ": cannot be read: " + Show.cause(e)));
        }
        return parse(file.toString(), text, env);
    }

    static Config parse(String source, String text, Map<String, String> env) throws BadConfigException {
        java.util.SortedMap<Integer, String> errors = new java.util.TreeMap<>();
        String[] lines = text.split("\r?\n", -1);
        CommandLine commandLine = new CommandLine();
        // Process options hold wherever they stand, so they are gathered first.
        Optional<LogSetup.Verbosity> verbosity = Optional.empty();
        Optional<String> transport = Optional.empty();
        Optional<java.net.InetSocketAddress> metrics = Optional.empty();
        Optional<Path> secret = Optional.empty();
        Optional<String> logFormat = Optional.empty();
        Map<Integer, List<String>> optionLines = new HashMap<>();
        for (int i = 0; i < lines.length; i++) {
            List<String> words = words(lines[i]);
            if (!words.isEmpty() && words.get(0).startsWith("-")) {
                try {
                    CommandLine.OptionLine line = commandLine.parseOptionLine(words);
                    verbosity = or(commandLine.verbosity(line.options()), verbosity);
                    transport = or(commandLine.transport(line.options()), transport);
                    metrics = or(commandLine.metrics(line.options()), metrics);
                    secret = or(commandLine.secretFile(line.options()), secret);
                    logFormat = or(commandLine.logFormatGiven(line.options()), logFormat);
                    optionLines.put(i, line.forwardWords());
                } catch (BadInputException e) {
                    errors.put(i + 1, source + ":" + (i + 1) + ": " + e.getMessage());
                }
            }
        }
        List<Forward> forwards = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        List<String> defaults = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            List<String> words = words(lines[i]);
            if (words.isEmpty()) {
                continue;
            }
            if (optionLines.containsKey(i)) {
                defaults.addAll(optionLines.get(i));
                continue;
            }
            if (words.get(0).startsWith("-")) {
                continue; // a bad option line, reported above
            }
            String name = Integer.toString(number);
            String first = words.get(0);
            if (first.endsWith(":")) {
                name = first.substring(0, first.length() - 1);
                words = words.subList(1, words.size());
                if (!NAME.matcher(name).matches()) {
                    errors.put(number, source + ":" + number + ": '" + name + "' is not a name (use letters, digits, '_', '.' and '-')");
                    continue;
                }
            }
            try {
                RelaySpec spec = commandLine.parseForward(env, secret, defaults, words).spec();
                Integer earlier = names.putIfAbsent(name, number);
                if (earlier != null) {
                    throw new BadInputException("the name '" + name + "' is taken by line " + earlier);
                }
                for (Forward other : forwards) {
                    Optional<Endpoint> shared = sharedListen(other.spec(), spec);
                    if (shared.isPresent()) {
                        throw new BadInputException("'" + shared.get() + "' is also a listen address of forward '"
                                + other.name() + "' (line " + other.line() + ")");
                    }
                }
                boolean opaque = spec.secret().isPresent() || spec.second().isSocks();
                String written = opaque ? String.join(" ", defaults) + " | " + String.join(" ", words) + " | "
                        + secret.map(Path::toString).orElse("") : "";
                forwards.add(new Forward(name, number, spec, written));
            } catch (BadInputException e) {
                errors.put(number, source + ":" + number + ": " + e.getMessage());
            }
        }
        if (forwards.isEmpty() && errors.isEmpty()) {
            errors.put(0, source + ": no forward in the file (write lines such as 'tcp listen:0.0.0.0:2222 conn:10.0.0.5:22')");
        }
        if (!errors.isEmpty()) {
            throw new BadConfigException(List.copyOf(errors.values()));
        }
        return new Config(List.copyOf(forwards), verbosity, transport, metrics, logFormat);
    }

    /** The words of a line, up to a '#' that starts a word. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        for (String word : line.trim().split("\\s+")) {
            if (word.startsWith("#")) {
                break;
            }
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /** A listen endpoint of {@code b} that would bind where one of {@code a} does (port 0 never clashes). */
    private static Optional<Endpoint> sharedListen(RelaySpec a, RelaySpec b) {
        if (a.protocol() != b.protocol()) {
            return Optional.empty();
        }
        for (Endpoint x : List.of(a.first(), a.second())) {
            for (Endpoint y : List.of(b.first(), b.second())) {
                if (x.isListen() && y.isListen() && x.port() != 0 && x.port() == y.port()
                        && (x.host().equalsIgnoreCase(y.host()) || wildcard(x.host()) || wildcard(y.host()))) {
                    return Optional.of(y);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    private static <T> Optional<T> or(Optional<T> later, Optional<T> earlier) {
        return later.isPresent() ? later : earlier;
    }
}
