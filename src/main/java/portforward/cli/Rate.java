package portforward.cli;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import joptsimple.ValueConversionException;
import joptsimple.ValueConverter;

/**
 * {@code --rate-limit}: bytes per second, as {@code 500000}, {@code 512K}, {@code 1.5M/s} or
 * {@code 1G}; K, M and G are binary (1M = 1048576), as in the byte counts the relay logs.
 */
final class Rate implements ValueConverter<Long> {
    private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([kmg]?)(?:i?b)?(?:/s)?");
    /** Below this a link could not carry one full read per second, and TCP would stall, not slow. */
    static final long MIN = 1024;

    @Override
    public Long convert(String value) {
        Matcher m = RATE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ValueConversionException("--rate-limit '" + value + "' is not a rate (write BYTES per second,"
                    + " as in 500000, 512K or 10M; K, M and G are 1024, 1024^2 and 1024^3)");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift));
        if (bytes.compareTo(BigDecimal.valueOf(MIN)) < 0 || bytes.compareTo(BigDecimal.valueOf(1L << 40)) > 0) {
            throw new ValueConversionException("--rate-limit " + value + " out of range (use 1K..1024G per second)");
        }
        return bytes.longValue();
    }

    @Override
    public Class<? extends Long> valueType() {
        return Long.class;
    }

    @Override
    public String valuePattern() {
        return "BYTES/s";
    }
}
