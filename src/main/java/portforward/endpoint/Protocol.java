package portforward.endpoint;

import java.util.Locale;
import java.util.Optional;

/** The transport protocol a relay carries. */
public enum Protocol {
    TCP, UDP;

    public static Optional<Protocol> parse(String text) {
        for (Protocol p : values()) {
            if (p.name().equalsIgnoreCase(text)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
