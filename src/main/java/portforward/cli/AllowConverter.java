package portforward.cli;

import joptsimple.ValueConversionException;
import joptsimple.ValueConverter;
import portforward.endpoint.BadInputException;
import portforward.hop.socks.Allowlist;

/**
 * {@code --allow CIDR[:PORT|:LOW-HIGH][,...]} (destinations) or {@code --allow-from CIDR[,...]}
 * (sources), both parsed by {@link Allowlist}.
 */
final class AllowConverter implements ValueConverter<Allowlist> {
    /** One of Allowlist's parsers. */
    @FunctionalInterface
    interface Parser {
        Allowlist parse(String text) throws BadInputException;
    }

    static final AllowConverter DESTINATIONS = new AllowConverter(Allowlist::parse, "CIDR[:PORTS]");
    static final AllowConverter SOURCES = new AllowConverter(Allowlist::parseSources, "CIDR");

    private final Parser parser;
    private final String pattern;

    private AllowConverter(Parser parser, String pattern) {
        this.parser = parser;
        this.pattern = pattern;
    }

    @Override
    public Allowlist convert(String value) {
        try {
            return parser.parse(value);
        } catch (BadInputException e) {
            throw new ValueConversionException(e.getMessage());
        }
    }

    @Override
    public Class<? extends Allowlist> valueType() {
        return Allowlist.class;
    }

    @Override
    public String valuePattern() {
        return pattern; // no dot: jopt prints what follows the last one
    }
}
