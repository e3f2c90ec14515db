package portforward.cli;

import joptsimple.ValueConversionException;
import joptsimple.ValueConverter;
import portforward.endpoint.Defaults;

/** --rekey-datagrams: a count of datagrams, at least 1 and at most the default (2^60). */
final class DatagramCount implements ValueConverter<Long> {
    @Override
    public Long convert(String value) {
        return Count.whole("rekey-datagrams", value, 1, Defaults.REKEY_DATAGRAMS);
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
