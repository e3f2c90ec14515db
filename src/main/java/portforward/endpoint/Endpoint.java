package portforward.endpoint;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One side of a relay as the user wrote it: {@code METHOD[+LAYER...]:HOST:PORT}. The host is kept
 * as text so that a conn host name is resolved when it is dialled, not once at start-up.
 */
public record Endpoint(Role role, String host, int port, Set<Layer> layers) {

    public Endpoint {
        layers = layers.isEmpty() ? Set.of() : Set.copyOf(layers);
    }

    public Endpoint(Role role, String host, int port) {
        this(role, host, port, Set.of());
    }

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?");
    private static final Pattern IPV4ISH = Pattern.compile("[0-9.]+");

    /** {@code socks}: a conn endpoint whose host and port each client names; it has no address of its own. */
    public static Endpoint socks() {
        return new Endpoint(Role.CONN, "", 0, Set.of(Layer.SOCKS));
    }

    public static Endpoint parse(String text) throws BadInputException {
        if (text.equalsIgnoreCase(Layer.SOCKS.name())) {
            return socks();
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new BadInputException("expected METHOD:HOST:PORT but got '" + text + "'");
        }
        String[] words = text.substring(0, colon).split("\\+", -1);
        String method = words[0];
        Role role;
        switch (method.toLowerCase(Locale.ROOT)) {
            case "listen" -> role = Role.LISTEN;
            case "conn" -> role = Role.CONN;
            case "socks" -> throw new BadInputException("'" + text + "': socks takes no address; write 'socks' alone"
                    + " as SOCK2, as in 'tcp listen:127.0.0.1:1080 socks'");
            default -> throw new BadInputException(
                    "unknown method '" + method + "' in '" + text + "' (use listen or conn)");
        }
        Set<Layer> layers = EnumSet.noneOf(Layer.class);
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            Layer layer = Layer.parse(word).orElseThrow(() -> new BadInputException(
                    "unknown layer '+" + word + "' in '" + text + "' (use +s for the secure hop, listen+pp or conn+pp1/conn+pp2 for the PROXY protocol)"));
            if (!layers.add(layer)) {
                throw new BadInputException("layer '+" + word + "' given twice in '" + text + "'");
            }
        }
        String rest = text.substring(colon + 1);
        String host;
        String portText;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new BadInputException("missing ']' in '" + text + "'");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.startsWith(":")) {
                throw new BadInputException("expected ':PORT' after ']' in '" + text + "'");
            }
            portText = after.substring(1);
            checkIpv6Literal(host, text);
        } else {
            int last = rest.lastIndexOf(':');
            if (last < 0) {
                throw new BadInputException("missing port in '" + text + "' (expected METHOD:HOST:PORT)");
            }
            host = rest.substring(0, last);
            portText = rest.substring(last + 1);
            if (host.contains(":")) {
                throw new BadInputException("IPv6 address must be in brackets, as in 'listen:[::1]:80', in '"
                        + text + "'");
            }
            checkHostName(host, text);
        }
        int port = parsePort(portText, role, text);
        if (role == Role.CONN && isWildcard(host)) {
            throw new BadInputException("cannot connect to the wildcard address '" + host + "' in '" + text
                    + "' (0.0.0.0 and [::] are for listen)");
        }
        return new Endpoint(role, host, port, layers);
    }

    private static int parsePort(String portText, Role role, String text) throws BadInputException {
        if (portText.isEmpty()) {
            throw new BadInputException("missing port in '" + text + "'");
        }
        if (!portText.chars().allMatch(c -> c >= '0' && c <= '9') || portText.length() > 9) {
            throw new BadInputException("port '" + portText + "' is not a number in '" + text + "'");
        }
        int port = Integer.parseInt(portText);
        int min = role == Role.LISTEN ? 0 : 1;
        if (port < min || port > 65535) {
            throw new BadInputException("port " + port + " out of range in '" + text + "' (use "
                    + min + "..65535" + (role == Role.CONN && port == 0 ? "; port 0 is for listen only" : "")
                    + ")");
        }
        return port;
    }

    private static void checkIpv6Literal(String host, String text) throws BadInputException {
        String address = host.contains("%") ? host.substring(0, host.indexOf('%')) : host;
        boolean ok = !address.isEmpty() && address.contains(":")
                && address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (ok) {
            try {
                InetAddress.getByName(address); // a literal: parsed, never looked up
            } catch (UnknownHostException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw new BadInputException("'" + host + "' is not an IPv6 address in '" + text + "'");
        }
        if (host.endsWith("%")) {
            throw new BadInputException("empty zone id after '%' in '" + text + "'");
        }
    }

    private static void checkHostName(String host, String text) throws BadInputException {
        if (host.isEmpty()) {
            throw new BadInputException("missing host in '" + text + "'");
        }
        if (IPV4ISH.matcher(host).matches()) {
            String[] parts = host.split("\\.", -1);
            boolean ok = parts.length == 4;
            for (String p : parts) {
                ok &= !p.isEmpty() && p.length() <= 3 && Integer.parseInt(p) <= 255;
            }
            if (!ok) {
                throw new BadInputException("'" + host + "' is not an IPv4 address in '" + text + "'");
            }
        } else if (!HOST_NAME.matcher(host).matches() || host.length() > 253) {
            throw new BadInputException("'" + host + "' is not a valid host name in '" + text + "'");
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    public boolean isListen() {
        return role == Role.LISTEN;
    }

    /** Whether connections on this endpoint go over the secure hop ({@code +s}). */
    public boolean isSecure() {
        return layers.contains(Layer.SECURE);
    }

    /** Whether each link's target is the one its SOCKS client asks for ({@code socks}). */
    public boolean isSocks() {
        return layers.contains(Layer.SOCKS);
    }

    /** {@code listen+pp}: connections start with a PROXY protocol header naming the real client. */
    public boolean readsProxyHeader() {
        return layers.contains(Layer.PROXY_IN);
    }

    /** {@code conn+pp1} or {@code conn+pp2}: the target is sent a PROXY protocol header first. */
    public boolean sendsProxyHeader() {
        return layers.contains(Layer.PROXY_V1) || layers.contains(Layer.PROXY_V2);
    }

    /** Resolves the host now; for a literal address this never touches DNS. */
    public InetSocketAddress resolve() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** Whether the host is an IP address as written, which needs no lookup. */
    public boolean isLiteral() {
        return host.contains(":") || IPV4ISH.matcher(host).matches();
    }

    /** The host and port as written, with IPv6 in brackets. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        if (isSocks()) {
            return "socks";
        }
        StringBuilder method = new StringBuilder(role.word());
        for (Layer layer : Layer.values()) {
            if (layers.contains(layer)) {
                method.append(layer.suffix());
            }
        }
        return method + ":" + address();
    }
}
