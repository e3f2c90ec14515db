package portforward.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import joptsimple.BuiltinHelpFormatter;
import joptsimple.OptionException;
import joptsimple.OptionParser;
import joptsimple.OptionSet;
import joptsimple.OptionSpec;
import joptsimple.ValueConversionException;
import portforward.endpoint.Access;
import portforward.endpoint.BadInputException;
import portforward.endpoint.Defaults;
import portforward.endpoint.Endpoint;
import portforward.endpoint.Protocol;
import portforward.endpoint.RelaySpec;
import portforward.forward.Show;
import portforward.hop.Secret;
import portforward.hop.socks.Allowlist;
import portforward.hop.socks.SocksSettings;
import portforward.hop.socks.SocksUsers;

/** Turns the command line into a {@link RelaySpec}; no Netty here. */
public final class CommandLine {

    /** What the user asked for: help, the version, or a relay. */
    public record Parsed(boolean help, boolean version, RelaySpec spec, LogSetup.Verbosity verbosity,
            String transport, Optional<InetSocketAddress> metrics, Optional<Path> config, String logFormat) {
        /** {@code portforward keygen}: print a new secret; spec is null. */
        public boolean keygen() {
            return !help && !version && spec == null && config.isEmpty();
        }
    }

    /** The environment variable that may hold the secure hop's secret instead of a file. */
    public static final String SECRET_VARIABLE = "PORTFORWARD_SECRET";

    /** Before the options in --help; also the source of the man page (see {@link ManPage}). */
    static final String USAGE = """
            Usage: portforward [options] PROTO SOCK1 SOCK2
                   portforward [-v|-q] [--metrics HOST:PORT] --config FILE
                   portforward keygen > FILE

            Arguments:
              PROTO   tcp | udp
              SOCK    METHOD:HOST:PORT, or socks as SOCK2 (a SOCKS4/4a/5 server: each client names its target)
              METHOD  listen | conn, either followed by +s (the secure hop, needs the same secret on both ends);
                      listen+pp: each client starts with a PROXY protocol header (v1 or v2), as from haproxy;
                      conn+pp1, conn+pp2: send the target a PROXY v1 or v2 header naming the client
              HOST    IPv4 address, host name, [IPv6] or [IPv6%zone]; listen also takes 0.0.0.0 and [::]
              PORT    1..65535; listen may take 0 (any free port; the bound port is logged)

            Modes:
              Either order of SOCK1 and SOCK2 means the same, except for conn-conn.
              listen-conn    forward each connection on the listen address to the conn address
              listen-listen  rendezvous relay: pair connections on the two listeners in order of arrival
              conn-conn      agent: keep --pool connections to SOCK1; when one receives data, dial SOCK2
                             and join them

            """;

    /** After the options in --help. */
    static final String MORE = """

            Configuration (--config FILE, -c FILE):
              One forward a line, in the words of a command line, optionally named:
                ssh: tcp listen:0.0.0.0:2222 conn:10.0.0.5:22 --connect-timeout 5
                dns: udp listen:0.0.0.0:53 conn:10.0.0.53:53
              '#' starts a comment. A line of options alone applies to the forwards below it, where they
              mean something; -v, -q, --metrics, --transport and --secret-file apply to the whole process.
              A forward without a name is named by its line number. The whole file is checked first: each
              bad line is reported as FILE:LINE: reason, with exit code 2, and nothing starts.

            Exit codes:
              0  stopped by SIGINT or SIGTERM, or --help and --version
              1  could not start or stopped by a failure; the log line names the address and the cause
              2  bad input; one line names the bad value

            Environment:
              PORTFORWARD_SECRET     the secure hop's secret (a 'portforward keygen' line), if --secret-file is
                                     not given
              PORTFORWARD_JAVA_OPTS  more options for the JVM, read by the launcher (for example -Xmx64m)

            Signals:
              SIGINT, SIGTERM  stop: close the listeners, let open links finish for a moment, exit 0
              SIGHUP           with --config: read FILE again; start new forwards, stop removed ones and
                               restart changed ones (their open links finish), leave the rest alone;
                               a file with errors changes nothing. Without --config: ignored
              SIGUSR1          log one line per forward: links open, bytes each way, UDP sessions, drops,
                               connections refused and failed dials

            Examples:
              portforward tcp listen:0.0.0.0:8888 conn:10.0.0.5:22
              portforward tcp listen:0.0.0.0:9000 listen:0.0.0.0:9001       (public relay)
              portforward tcp conn:relay.example.com:9001 conn:10.0.0.5:22  (agent inside)
              portforward keygen > hop.key                                  (a secret: copy it to the agent)
              portforward --secret-file hop.key tcp listen:0.0.0.0:8888 listen+s:0.0.0.0:9999
              portforward --secret-file hop.key tcp conn+s:relay.example.com:9999 conn:10.0.0.5:25
              portforward tcp listen:127.0.0.1:1080 socks                    (local SOCKS server, like ssh -D)
              portforward --secret-file hop.key tcp conn+s:relay.example.com:9999 socks  (reverse SOCKS)
            """;

    private final OptionParser parser = new OptionParser(false);
    private final OptionSpec<Void> help = parser.acceptsAll(List.of("h", "help"), "show this help and exit").forHelp();
    private final OptionSpec<Void> version = parser.acceptsAll(List.of("V", "version"), "print the version and exit");
    private final OptionSpec<Void> verbose = parser.acceptsAll(List.of("v", "verbose"), "log debug detail");
    private final OptionSpec<Void> quiet = parser.acceptsAll(List.of("q", "quiet"), "log warnings and errors only");
    private final OptionSpec<Seconds> connectTimeout = parser.accepts("connect-timeout",
                    "give up dialling a conn address after SEC seconds")
            .withRequiredArg().withValuesConvertedBy(Seconds.CONVERTER).defaultsTo(Seconds.of(Defaults.CONNECT_TIMEOUT));
    private final OptionSpec<Seconds> pairTimeout = parser.accepts("pair-timeout",
                    "listen-listen: close a connection still unpaired after SEC seconds")
            .withRequiredArg().withValuesConvertedBy(Seconds.CONVERTER).defaultsTo(Seconds.of(Defaults.PAIR_TIMEOUT));
    private final OptionSpec<Integer> pool = parser.accepts("pool",
                    "conn-conn: idle connections kept open to SOCK1")
            .withRequiredArg().withValuesConvertedBy(new Count("pool", 1, 1024)).defaultsTo(Defaults.POOL);
    private final OptionSpec<Seconds> udpTimeout = parser.accepts("udp-timeout",
                    "udp: end a session after SEC seconds without a datagram either way")
            .withRequiredArg().withValuesConvertedBy(Seconds.CONVERTER).defaultsTo(Seconds.of(Defaults.UDP_TIMEOUT));
    private final OptionSpec<Integer> maxSessions = parser.accepts("max-sessions",
                    "udp: most sessions at once; datagrams of new sessions beyond it are dropped and counted")
            .withRequiredArg().withValuesConvertedBy(new Count("max-sessions", 1, 1 << 24))
            .defaultsTo(Defaults.MAX_SESSIONS);
    private final OptionSpec<Path> secretFile = parser.accepts("secret-file",
                    "+s endpoints: read the secret from FILE (made by 'portforward keygen')")
            .withRequiredArg().withValuesConvertedBy(new joptsimple.util.PathConverter()).describedAs("FILE");
    private final OptionSpec<Seconds> heartbeat = parser.accepts("heartbeat",
                    "+s endpoints: an idle secure hop sends a heartbeat (udp: a keepalive) every SEC seconds (with jitter);"
                            + " three missed close it")
            .withRequiredArg().withValuesConvertedBy(Seconds.CONVERTER).defaultsTo(Seconds.of(Defaults.HEARTBEAT));
    private final OptionSpec<Seconds> rekey = parser.accepts("rekey",
                    "udp over +s: renew the hop's keys every SEC seconds")
            .withRequiredArg().withValuesConvertedBy(Seconds.CONVERTER).defaultsTo(Seconds.of(Defaults.REKEY));
    private final OptionSpec<Long> rekeyDatagrams = parser.accepts("rekey-datagrams",
                    "udp over +s: renew the hop's keys after N datagrams either way (counters never wrap)")
            .withRequiredArg().withValuesConvertedBy(new DatagramCount()).describedAs("N")
            .defaultsTo(Defaults.REKEY_DATAGRAMS);
    private final OptionSpec<Path> socksAuth = parser.accepts("socks-auth",
                    "socks: ask clients for a user name and password (RFC 1929), from FILE's lines of user:password")
            .withRequiredArg().withValuesConvertedBy(new joptsimple.util.PathConverter()).describedAs("FILE");
    private final OptionSpec<Allowlist> allow = parser.accepts("allow",
                    "socks: the only destinations clients may reach, as CIDR[:PORT|:LOW-HIGH],... (IPv6 with ports in [])")
            .withRequiredArg().withValuesConvertedBy(AllowConverter.DESTINATIONS);
    private final OptionSpec<Allowlist> allowFrom = parser.accepts("allow-from",
                    "the only client sources the listeners accept, as CIDR,... (IPv4 or IPv6); others are closed"
                    + " (tcp) or dropped (udp) at once, and counted")
            .withRequiredArg().withValuesConvertedBy(AllowConverter.SOURCES);
    private final OptionSpec<Integer> maxLinks = parser.accepts("max-links",
                    "tcp: most connections open at once on each listener; new ones beyond it are closed at once"
                    + " and counted")
            .withRequiredArg().withValuesConvertedBy(new Count("max-links", 1, 1 << 24));
    private final OptionSpec<Long> rateLimit = parser.accepts("rate-limit",
                    "tcp: bytes per second each way for all links of the forward together (512K, 10M); senders"
                    + " are slowed, nothing is dropped; a limited forward does not splice")
            .withRequiredArg().withValuesConvertedBy(new Rate());
    private final OptionSpec<String> transport = parser.accepts("transport",
                    "auto (epoll where available, else nio), epoll or nio")
            .withRequiredArg().describedAs("NAME").defaultsTo("auto");
    private final OptionSpec<InetSocketAddress> metrics = parser.accepts("metrics",
                    "serve Prometheus metrics at http://HOST:PORT/metrics (for example 127.0.0.1:9100)")
            .withRequiredArg().withValuesConvertedBy(new HostPortConverter());
    private final OptionSpec<String> logFormat = parser.accepts("log-format",
                    "text, or json: one object a line with time, level, forward, event and its fields")
            .withRequiredArg().describedAs("FORMAT").defaultsTo("text");
    private final OptionSpec<Path> config = parser.acceptsAll(List.of("c", "config"),
                    "run every forward in FILE, one a line (see Configuration below)")
            .withRequiredArg().withValuesConvertedBy(new joptsimple.util.PathConverter()).describedAs("FILE");
    private final OptionSpec<String> positionals = parser.nonOptions("PROTO SOCK1 SOCK2");
    /** The modes an option means something in; an option not named here (--heartbeat) applies to every mode. */
    private final Map<OptionSpec<?>, List<String>> scopes = Map.of(
            connectTimeout, List.of("tcp listen-conn", "tcp conn-conn"),
            pairTimeout, List.of("tcp listen-listen", "udp listen-listen", "udp conn-conn"),
            pool, List.of("tcp conn-conn", "udp conn-conn"),
            udpTimeout, List.of("udp listen-conn", "udp listen-listen", "udp conn-conn"),
            maxSessions, List.of("udp listen-conn", "udp listen-listen", "udp conn-conn"),
            rekey, List.of("udp listen-conn", "udp listen-listen", "udp conn-conn"),
            rekeyDatagrams, List.of("udp listen-conn", "udp listen-listen", "udp conn-conn"),
            allowFrom, List.of("tcp listen-conn", "tcp listen-listen", "udp listen-conn", "udp listen-listen"),
            maxLinks, List.of("tcp listen-conn", "tcp listen-listen"),
            rateLimit, List.of("tcp listen-conn", "tcp listen-listen", "tcp conn-conn"));

    public Parsed parse(String... args) throws BadInputException {
        return parse(System.getenv(), args);
    }

    /** As {@link #parse(String...)}, reading the secret variable from {@code env}. */
    public Parsed parse(Map<String, String> env, String... args) throws BadInputException {
        try {
            return parse(parser.parse(args), env);
        } catch (OptionException e) {
            // jopt-simple converts option values lazily, so this covers valueOf() below too.
            throw new BadInputException(describe(e));
        }
    }

    private Parsed parse(OptionSet options, Map<String, String> env) throws BadInputException {
        return parse(options, options, env, Optional.empty());
    }

    /**
     * One line of a --config file: a forward, with the file's --secret-file (if any) for a +s
     * endpoint that names none. An option that belongs to the whole process is refused here.
     */
    Parsed parseForward(Map<String, String> env, Optional<Path> fileSecret, List<String> defaults, List<String> words)
            throws BadInputException {
        try {
            OptionSet own = parser.parse(words.toArray(String[]::new));
            List<String> all = new java.util.ArrayList<>(defaults);
            all.addAll(words);
            OptionSet options = parser.parse(all.toArray(String[]::new));
            for (OptionSpec<?> process : List.of(help, version, verbose, quiet, metrics, transport, config, logFormat)) {
                if (options.has(process)) {
                    throw new BadInputException(dashed(process) + " applies to the whole process: give it on a line"
                            + " of its own or on the command line");
                }
            }
            if (options.valuesOf(positionals).isEmpty()) {
                throw new BadInputException("no forward on this line");
            }
            return parse(options, own, env, fileSecret);
        } catch (OptionException e) {
            throw new BadInputException(describe(e));
        }
    }

    /** A line of a --config file that holds options only: which apply to the process, which to forwards below. */
    record OptionLine(OptionSet options, List<String> forwardWords) {
    }

    OptionLine parseOptionLine(List<String> words) throws BadInputException {
        try {
            OptionSet options = parser.parse(words.toArray(String[]::new));
            for (OptionSpec<?> never : List.of(help, version, config)) {
                if (options.has(never)) {
                    throw new BadInputException(dashed(never) + " has no meaning in a configuration file");
                }
            }
            for (OptionSpec<?> any : parser.recognizedOptions().values()) {
                options.valuesOf(any); // jopt-simple converts values lazily: check them now
            }
            if (!options.valuesOf(positionals).isEmpty()) {
                throw new BadInputException("expected PROTO SOCK1 SOCK2 or options but got: "
                        + String.join(" ", options.valuesOf(positionals)));
            }
            if (options.has(verbose) && options.has(quiet)) {
                throw new BadInputException("-v and -q contradict each other: choose one");
            }
            if (options.has(transport)) {
                transportName(options);
            }
            logFormat(options);
            List<String> forward = new java.util.ArrayList<>();
            for (int i = 0; i < words.size(); i++) {
                String word = words.get(i);
                String name = word.replaceFirst("^--?", "").replaceFirst("=.*", "");
                boolean process = List.of("v", "verbose", "q", "quiet", "metrics", "transport", "secret-file", "log-format")
                        .contains(name);
                boolean takesValue = !word.contains("=") && !List.of("v", "verbose", "q", "quiet").contains(name);
                if (!process) {
                    forward.add(word);
                    if (takesValue && i + 1 < words.size()) {
                        forward.add(words.get(++i));
                    }
                } else if (takesValue) {
                    i++;
                }
            }
            return new OptionLine(options, List.copyOf(forward));
        } catch (OptionException e) {
            throw new BadInputException(describe(e));
        }
    }

    /** What a process-wide option line says, for the file's process settings. */
    Optional<Path> secretFile(OptionSet options) {
        return Optional.ofNullable(options.valueOf(secretFile));
    }

    Optional<InetSocketAddress> metrics(OptionSet options) {
        return Optional.ofNullable(options.valueOf(metrics));
    }

    Optional<LogSetup.Verbosity> verbosity(OptionSet options) {
        return options.has(verbose) ? Optional.of(LogSetup.Verbosity.VERBOSE)
                : options.has(quiet) ? Optional.of(LogSetup.Verbosity.QUIET) : Optional.empty();
    }

    Optional<String> transport(OptionSet options) throws BadInputException {
        return options.has(transport) ? Optional.of(transportName(options)) : Optional.empty();
    }

    /** The --log-format word, checked. */
    String logFormat(OptionSet options) throws BadInputException {
        String format = options.valueOf(logFormat).toLowerCase(Locale.ROOT);
        if (!List.of("text", "json").contains(format)) {
            throw new BadInputException("unknown log format '" + options.valueOf(logFormat) + "' (use text or json)");
        }
        return format;
    }

    Optional<String> logFormatGiven(OptionSet options) throws BadInputException {
        return options.has(logFormat) ? Optional.of(logFormat(options)) : Optional.empty();
    }

    private String transportName(OptionSet options) throws BadInputException {
        String name = options.valueOf(transport).toLowerCase(Locale.ROOT);
        if (!List.of("auto", "epoll", "nio").contains(name)) {
            throw new BadInputException("unknown transport '" + options.valueOf(transport) + "' (use auto, epoll or nio)");
        }
        return name;
    }

    private static String dashed(OptionSpec<?> spec) {
        String name = spec.options().get(spec.options().size() - 1);
        return (name.length() == 1 ? "-" : "--") + name;
    }

    /**
     * {@code own}: the options written on the forward's own line (all of them on a command line);
     * an option that does not apply to the mode is an error there, and ignored when it came from a
     * line of defaults in a --config file.
     */
    private Parsed parse(OptionSet options, OptionSet own, Map<String, String> env, Optional<Path> fileSecret)
            throws BadInputException {
        if (options.has(help)) {
            return new Parsed(true, false, null, LogSetup.Verbosity.NORMAL, "auto", Optional.empty(), Optional.empty(), "text");
        }
        if (options.has(version)) {
            return new Parsed(false, true, null, LogSetup.Verbosity.NORMAL, "auto", Optional.empty(), Optional.empty(), "text");
        }
        if (options.has(verbose) && options.has(quiet)) {
            throw new BadInputException("-v and -q contradict each other: choose one");
        }
        String transportName = transportName(options);
        List<String> words = options.valuesOf(positionals);
        if (options.has(config)) {
            if (!words.isEmpty()) {
                throw new BadInputException("--config and PROTO SOCK1 SOCK2 exclude each other: put '"
                        + String.join(" ", words) + "' in " + options.valueOf(config) + " as a line of its own");
            }
            for (OptionSpec<?> forwardOnly : List.of(connectTimeout, pairTimeout, pool, udpTimeout, maxSessions,
                    heartbeat, rekey, rekeyDatagrams, socksAuth, allow, allowFrom, maxLinks, rateLimit)) {
                if (options.has(forwardOnly)) {
                    throw new BadInputException(dashed(forwardOnly) + " is an option of a forward: with --config,"
                            + " write it in " + options.valueOf(config));
                }
            }
            LogSetup.Verbosity verbosity = verbosity(options).orElse(LogSetup.Verbosity.NORMAL);
            return new Parsed(false, false, null, verbosity, transportName, metrics(options),
                    Optional.of(options.valueOf(config)), logFormat(options));
        }
        if (words.size() == 1 && words.get(0).equals("keygen")) {
            return new Parsed(false, false, null, LogSetup.Verbosity.NORMAL, "auto", Optional.empty(), Optional.empty(), "text");
        }
        if (words.size() != 3) {
            throw new BadInputException("expected PROTO SOCK1 SOCK2 but got " + words.size() + " argument"
                    + (words.size() == 1 ? "" : "s") + (words.isEmpty() ? "" : ": " + String.join(" ", words)));
        }
        Protocol protocol = Protocol.parse(words.get(0)).orElseThrow(
                () -> new BadInputException("unknown protocol '" + words.get(0) + "' (use tcp or udp)"));
        Endpoint first = endpoint(words.get(1));
        Endpoint second = endpoint(words.get(2));
        LayerChecks.proxyProtocol(protocol, first, second);
        Optional<Secret> secret = secret(options, env, first, second, fileSecret);
        Access access = new Access(options.valuesOf(allowFrom).stream().reduce(Allowlist::and),
                last(options, maxLinks, 0), last(options, rateLimit, 0L));
        RelaySpec spec = new RelaySpec(protocol, first, second,
                last(options, connectTimeout).duration(), last(options, pairTimeout).duration(),
                last(options, pool), last(options, udpTimeout).duration(), last(options, maxSessions),
                secret, last(options, heartbeat).duration(), socks(options, own, protocol, first, second), access,
                last(options, rekey).duration(), last(options, rekeyDatagrams));
        checkScopes(own, spec);
        SpecChecks.noLoop(spec);
        LogSetup.Verbosity verbosity = options.has(verbose) ? LogSetup.Verbosity.VERBOSE
                : options.has(quiet) ? LogSetup.Verbosity.QUIET : LogSetup.Verbosity.NORMAL;
        return new Parsed(false, false, spec, verbosity, transportName, Optional.ofNullable(options.valueOf(metrics)),
                Optional.empty(), logFormat(options));
    }

    /** The value given last: a forward's own line in a --config file overrides a line of defaults above it. */
    /**
     * The value given last, else the option's default: a forward's own line in a --config file
     * comes after the defaults lines above it and overrides them, as a repeated option does on
     * the command line.
     */
    private static <T> T last(OptionSet options, OptionSpec<T> spec) {
        List<T> values = options.valuesOf(spec);
        return values.get(values.size() - 1);
    }

    private static <T> T last(OptionSet options, OptionSpec<T> spec, T none) {
        List<T> values = options.valuesOf(spec);
        return values.isEmpty() ? none : values.get(values.size() - 1);
    }

    /**
     * The secret, when an endpoint needs one. A secret file given for a relay without a +s
     * endpoint is a mistake worth naming; the variable alone is not (it may be set for a shell).
     */
    private Optional<Secret> secret(OptionSet options, Map<String, String> env, Endpoint first, Endpoint second,
            Optional<Path> fileSecret) throws BadInputException {
        Endpoint secure = first.isSecure() ? first : second.isSecure() ? second : null;
        if (secure == null) {
            if (options.has(secretFile)) {
                throw new BadInputException("--secret-file is only for +s endpoints, and neither '" + first
                        + "' nor '" + second + "' is one (write listen+s: or conn+s:)");
            }
            return Optional.empty();
        }
        if (options.has(secretFile) || fileSecret.isPresent()) {
            Path file = options.has(secretFile) ? options.valueOf(secretFile) : fileSecret.get();
            String source = "secret file " + file;
            return Optional.of(Secret.parse(read(file, StandardCharsets.US_ASCII, source, "make one with 'portforward keygen > " + file + "'"),
                    source));
        }
        String variable = env.get(SECRET_VARIABLE);
        if (variable != null) {
            return Optional.of(Secret.parse(variable, "environment variable " + SECRET_VARIABLE));
        }
        throw new BadInputException("'" + secure + "' needs a secret: give --secret-file FILE or set "
                + SECRET_VARIABLE + " (make one with 'portforward keygen > FILE', and copy it to the other end)");
    }

    private static Endpoint endpoint(String text) throws BadInputException {
        SpecChecks.notUrl(text);
        Endpoint endpoint = Endpoint.parse(text);
        SpecChecks.zoneExists(endpoint);
        return endpoint;
    }

    private void checkScopes(OptionSet options, RelaySpec spec) throws BadInputException {
        String mode = mode(spec);
        for (Map.Entry<OptionSpec<?>, List<String>> scope : scopes.entrySet()) {
            if (options.has(scope.getKey()) && !scope.getValue().contains(mode)) {
                throw new BadInputException("--" + scope.getKey().options().get(0) + " does not apply to " + mode
                        + " (it is for " + String.join(", ", scope.getValue()) + ")");
            }
        }
    }

    /** "udp listen-conn": the protocol and the (role, role) pair, either order of listen and conn. */
    static String mode(RelaySpec spec) {
        boolean a = spec.first().isListen();
        boolean b = spec.second().isListen();
        return spec.protocol().word() + " " + (a && b ? "listen-listen" : a || b ? "listen-conn" : "conn-conn");
    }

    /**
     * The socks endpoint's settings. It answers clients, so it is SOCK2; it dials TCP only; and its
     * options given without it are a mistake worth naming.
     */
    private SocksSettings socks(OptionSet options, OptionSet own, Protocol protocol, Endpoint first, Endpoint second)
            throws BadInputException {
        if (first.isSocks()) {
            throw new BadInputException("'socks' must be SOCK2, the side that dials (as in 'tcp listen:127.0.0.1:1080"
                    + " socks', or 'tcp conn:relay:9999 socks' for an agent)");
        }
        if (!second.isSocks()) {
            if (own.has(socksAuth) || own.has(allow)) {
                throw new BadInputException("--" + (own.has(socksAuth) ? "socks-auth" : "allow")
                        + " is only for a socks endpoint, and '" + second + "' is not one (write socks as SOCK2)");
            }
            return SocksSettings.OPEN;
        }
        if (protocol == Protocol.UDP) {
            throw new BadInputException("'socks' is for tcp (SOCKS5 UDP ASSOCIATE is served by 'tcp ... socks')");
        }
        Optional<SocksUsers> users = Optional.empty();
        if (options.has(socksAuth)) {
            Path file = last(options, socksAuth, null);
            String source = "--socks-auth file " + file;
            users = Optional.of(SocksUsers.parse(read(file, StandardCharsets.UTF_8, source, "write lines of user:password"), source));
        }
        Optional<Allowlist> allowed = options.valuesOf(allow).stream().reduce(Allowlist::and);
        return new SocksSettings(users, allowed);
    }

    private static String read(Path file, Charset charset, String source, String hint) throws BadInputException {
        try {
            return Files.readString(file, charset);
        } catch (NoSuchFileException e) {
            throw new BadInputException(source + " does not exist (" + hint + ")");
        } catch (IOException | UncheckedIOException e) {
            throw new BadInputException(source + " cannot be read: " + Show.cause(e));
        }
    }

    private static String describe(OptionException e) {
        if (e.getCause() instanceof ValueConversionException conversion) {
            String option = e.options().isEmpty() ? "" : "--" + e.options().get(0) + ": ";
            String message = conversion.getMessage();
            return message.startsWith("--") ? message : option + message;
        }
        String name = e.options().isEmpty() ? "?" : e.options().get(0);
        String dashed = (name.length() == 1 ? "-" : "--") + name;
        String kind = e.getClass().getSimpleName();
        if (kind.startsWith("UnrecognizedOption")) {
            return "unknown option '" + dashed + "'";
        }
        if (kind.startsWith("OptionMissingRequiredArgument")) {
            return "option '" + dashed + "' needs a value";
        }
        return e.getMessage();
    }

    public void printHelp(PrintStream out) {
        out.print(helpText());
    }

    /** The whole of --help. */
    String helpText() {
        StringWriter options = new StringWriter();
        parser.formatHelpWith(new HelpFormat());
        try {
            parser.printHelpOn(options);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return USAGE + options + MORE;
    }
}
