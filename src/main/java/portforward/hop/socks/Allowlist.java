package portforward.hop.socks;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import portforward.endpoint.BadInputException;

/**
 * The destinations a socks endpoint may dial ({@code --allow}): address blocks, each with an
 * optional port or port range. A name a client asks for is checked by the address it resolves to,
 * which is also the address dialled. The same blocks, without ports, are the sources a forward's
 * listeners accept ({@code --allow-from}). Equal when written the same, so that a reload can tell
 * an unchanged forward.
 */
public final class Allowlist {
    /** How one option writes its list: its name, whether a block may carry ports, and an example. */
    private record Syntax(String option, boolean ports, String example) {
    }

    private static final Syntax DESTINATIONS = new Syntax("--allow", true,
            "write CIDR[:PORT|:LOW-HIGH], as in 10.0.0.0/8:22 or [fd00::/8]:80-443");
    private static final Syntax SOURCES = new Syntax("--allow-from", false,
            "write CIDR, as in 192.0.2.0/24, 10.1.2.3 or fd00::/8");

    /** One block: the first {@code bits} bits of {@code network}, and ports {@code low..high}. */
    record Rule(byte[] network, int bits, int low, int high) {
        boolean permits(byte[] address, int port) {
            if (address.length != network.length || port < low || port > high) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Rule> rules;
    private final String text;

    private Allowlist(List<Rule> rules, String text) {
        this.rules = List.copyOf(rules);
        this.text = text;
    }

    /**
     * Parses {@code CIDR[:PORT|:LOW-HIGH][,...]}; an IPv6 block with ports goes in brackets
     * ({@code [fd00::/8]:22}). An address without a prefix length is that address alone.
     */
    public static Allowlist parse(String text) throws BadInputException {
        return parse(text, DESTINATIONS);
    }

    /** Parses {@code CIDR[,...]}: the sources of {@code --allow-from}, IPv4 or IPv6, without ports. */
    public static Allowlist parseSources(String text) throws BadInputException {
        return parse(text, SOURCES);
    }

    private static Allowlist parse(String text, Syntax syntax) throws BadInputException {
        List<Rule> rules = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            rules.add(rule(item.trim(), text, syntax));
        }
        return new Allowlist(rules, text);
    }

    /** Both lists: what either allows. */
    public Allowlist and(Allowlist other) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(other.rules);
        return new Allowlist(all, text + "," + other.text);
    }

    /** Whether {@code address} is in a block, whatever the port. */
    public boolean permits(InetAddress address) {
        return permits(address, 0);
    }

    public boolean permits(InetAddress address, int port) {
        byte[] bytes = address.getAddress();
        return rules.stream().anyMatch(rule -> rule.permits(bytes, port));
    }

    private static Rule rule(String item, String all, Syntax syntax) throws BadInputException {
        String block;
        String ports = null;
        if (!syntax.ports() && item.startsWith("[")) {
            throw bad(item, all, syntax, "no brackets and no port here: a source is an address block alone");
        }
        if (!syntax.ports() && item.indexOf(':') >= 0 && item.indexOf(':') == item.lastIndexOf(':')) {
            throw bad(item, all, syntax, "no port here: a source is an address block alone");
        }
        if (item.startsWith("[")) {
            int close = item.indexOf(']');
            if (close < 0) {
                throw bad(item, all, syntax, "missing ']'");
            }
            block = item.substring(1, close);
            String after = item.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad(item, all, syntax, "expected ':PORT' after ']'");
                }
                ports = after.substring(1);
            }
        } else if (item.indexOf(':') != item.lastIndexOf(':')) {
            block = item; // IPv6 without ports
        } else {
            int colon = item.indexOf(':');
            block = colon < 0 ? item : item.substring(0, colon);
            ports = colon < 0 ? null : item.substring(colon + 1);
        }
        int slash = block.indexOf('/');
        String addressText = slash < 0 ? block : block.substring(0, slash);
        byte[] network = literal(addressText, item, all, syntax);
        int bits = network.length * 8;
        if (slash >= 0) {
            bits = number(block.substring(slash + 1), 0, network.length * 8, "prefix length", item, all, syntax);
        }
        int low = 0;
        int high = 65535;
        if (ports != null) {
            int dash = ports.indexOf('-');
            low = number(dash < 0 ? ports : ports.substring(0, dash), 1, 65535, "port", item, all, syntax);
            high = dash < 0 ? low : number(ports.substring(dash + 1), low, 65535, "port", item, all, syntax);
        }
        return new Rule(network, bits, low, high);
    }

    private static byte[] literal(String text, String item, String all, Syntax syntax) throws BadInputException {
        boolean v4 = text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
        if (v4 || v6) {
            try {
                InetAddress address = InetAddress.getByName(text); // a literal: parsed, never looked up
                if (v4 == address instanceof Inet4Address) {
                    return address.getAddress();
                }
            } catch (UnknownHostException e) {
                // fall through to the message below
            }
        }
        throw bad(item, all, syntax, "'" + text + "' is not an IPv4 or IPv6 address");
    }

    private static int number(String text, int min, int max, String what, String item, String all, Syntax syntax)
            throws BadInputException {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            throw bad(item, all, syntax, what + " '" + text + "' is not a number");
        }
        int n = Integer.parseInt(text);
        if (n < min || n > max) {
            throw bad(item, all, syntax, what + " " + n + " is out of range (" + min + ".." + max + ")");
        }
        return n;
    }

    private static BadInputException bad(String item, String all, Syntax syntax, String why) {
        return new BadInputException(syntax.option() + ": " + why + " in '" + item + "'"
                + (item.equals(all) ? "" : " of '" + all + "'") + " (" + syntax.example() + ")");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Allowlist list && list.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
