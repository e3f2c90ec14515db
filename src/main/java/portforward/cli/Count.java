package portforward.cli;

import joptsimple.ValueConversionException;
import joptsimple.ValueConverter;

/** A whole number within a range, for options such as --pool. */
final class Count implements ValueConverter<Integer> {
    private final String option;
    private final int min;
    private final int max;

    Count(String option, int min, int max) {
        this.option = option;
        this.min = min;
        this.max = max;
    }

    @Override
    public Integer convert(String value) {
        return (int) whole(option, value, min, max);
    }

    /** {@code value} as a whole number from {@code min} to {@code max}, or the line that says why not. */
    static long whole(String option, String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ValueConversionException("--" + option + " '" + value + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new ValueConversionException("--" + option + " " + n + " out of range (use " + min + ".." + max + ")");
        }
        return n;
    }

    @Override
    public Class<? extends Integer> valueType() {
        return Integer.class;
    }

    @Override
    public String valuePattern() {
        return "N";
    }
}
