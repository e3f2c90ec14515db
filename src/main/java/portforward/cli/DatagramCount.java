package portforward.cli;

import joptsimple.ValueConversionException;
import joptsimple.ValueConverter;
import portforward.endpoint.Defaults;

/** --rekey-datagrams: a count of datagrams, at least 1 and at most the default (2^60). */
final class DatagramCount implements ValueConverter<Long> {
    @Override
    public Long convert(String value) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ValueConversionException("--rekey-datagrams '" + value + "' is not a whole number");
        }
        if (n < 1 || n > Defaults.REKEY_DATAGRAMS) {
            throw new ValueConversionException("--rekey-datagrams " + n + " out of range (use 1.." + Defaults.REKEY_DATAGRAMS + ")");
        }
        return n;
    }

    @Override
    public Class<? extends Long> valueType() {
        return Long.class;
    }

    @Override
    public String valuePattern() {
        return "N";
    }
}
