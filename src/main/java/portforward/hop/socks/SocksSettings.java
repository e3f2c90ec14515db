package portforward.hop.socks;

import java.util.Optional;

/**
 * What a socks endpoint was started with: who may use it ({@code --socks-auth}) and where it may
 * go ({@code --allow}); with neither, anyone who reaches it may go anywhere it can.
 */
public record SocksSettings(Optional<SocksUsers> users, Optional<Allowlist> allow) {
    public static final SocksSettings OPEN = new SocksSettings(Optional.empty(), Optional.empty());

    /** Whether anyone who reaches the endpoint may go anywhere: the open-proxy warning's condition. */
    public boolean isOpen() {
        return users.isEmpty() && allow.isEmpty();
    }
}
