package portforward.cli;

import joptsimple.ValueConversionException;
import joptsimple.ValueConverter;
import portforward.endpoint.BadInputException;
import portforward.hop.socks.Allowlist;

/** {@code --allow CIDR[:PORT|:LOW-HIGH][,...]}, parsed by {@link Allowlist}. */
final class AllowConverter implements ValueConverter<Allowlist> {
    @Override
    public Allowlist convert(String value) {
        try {
            return Allowlist.parse(value);
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
        return "CIDR[:PORTS]"; // no dot: jopt prints what follows the last one
    }
}
