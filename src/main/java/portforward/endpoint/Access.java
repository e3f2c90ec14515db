package portforward.endpoint;

import java.util.Optional;
import portforward.hop.socks.Allowlist;

/**
 * Who may use a forward and how much it may take: the sources its listeners accept
 * ({@code --allow-from}), the most connections open on each of its listeners ({@code --max-links},
 * 0 for no bound), and the bytes per second each direction may carry for all its links together
 * ({@code --rate-limit}, 0 for no cap).
 */
public record Access(Optional<Allowlist> allowFrom, int maxLinks, long rateLimit) {
    public static final Access OPEN = new Access(Optional.empty(), 0, 0);

    public boolean rateLimited() {
        return rateLimit > 0;
    }
}
