package portforward.endpoint;

import java.util.Locale;
import java.util.Optional;

/**
 * Something an endpoint does to its connections besides carrying bytes, written after the method
 * as {@code listen+s:} or {@code conn+secure:}, or standing alone as {@code socks}.
 */
public enum Layer {
    /** The secure hop: an authenticated, encrypted link to another portforward holding the same secret. */
    SECURE("s", "secure"),
    /** A SOCKS server: each link's target is the one its client asks for. Written alone, never as a suffix. */
    SOCKS("socks", "socks"),
    /** {@code listen+pp}: each connection starts with a PROXY protocol header (v1 or v2) from a load balancer. */
    PROXY_IN("pp", "pp"),
    /** {@code conn+pp1}: a PROXY protocol v1 (text) header with the client's address goes first to the target. */
    PROXY_V1("pp1", "pp1"),
    /** {@code conn+pp2}: as {@link #PROXY_V1}, in v2 (binary). */
    PROXY_V2("pp2", "pp2");

    private final String shortWord;
    private final String longWord;

    Layer(String shortWord, String longWord) {
        this.shortWord = shortWord;
        this.longWord = longWord;
    }

    static Optional<Layer> parse(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        for (Layer layer : values()) {
            if (layer != SOCKS && layer.shortWord.equals(w) || layer.longWord.equals(w)) {
                return Optional.of(layer);
            }
        }
        return Optional.empty();
    }

    /** How it is written after the method: "+s". */
    public String suffix() {
        return "+" + shortWord;
    }
}
