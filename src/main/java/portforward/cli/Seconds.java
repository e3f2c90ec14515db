package portforward.cli;

import java.math.BigDecimal;
import java.time.Duration;
import joptsimple.ValueConversionException;
import joptsimple.ValueConverter;

/** A positive number of seconds, such as 10 or 0.5; shown in help as the user would type it. */
record Seconds(Duration duration) {

    static final ValueConverter<Seconds> CONVERTER = new ValueConverter<>() {
        @Override
        public Seconds convert(String value) {
            BigDecimal seconds;
            try {
                seconds = new BigDecimal(value);
            } catch (NumberFormatException e) {
                throw new ValueConversionException("'" + value + "' is not a number of seconds");
            }
            if (seconds.signum() <= 0 || seconds.compareTo(BigDecimal.valueOf(86_400 * 365)) > 0) {
                throw new ValueConversionException("'" + value + "' seconds is out of range (use a positive number"
                        + " up to one year)");
            }
            long millis = seconds.movePointRight(3).longValue();
            if (millis == 0) {
                throw new ValueConversionException("'" + value + "' seconds is below the 1 ms resolution");
            }
            return new Seconds(Duration.ofMillis(millis));
        }

        @Override
        public Class<? extends Seconds> valueType() {
            return Seconds.class;
        }

        @Override
        public String valuePattern() {
            return "SEC";
        }
    };

    static Seconds of(Duration duration) {
        return new Seconds(duration);
    }

    @Override
    public String toString() {
        return BigDecimal.valueOf(duration.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }
}
