package portforward.hop.noise;

import java.security.GeneralSecurityException;

/** The 64-bit counter of a direction is used up; the link must close, since a nonce is never reused. */
public final class NonceExhaustedException extends GeneralSecurityException {
    public NonceExhaustedException() {
        super("the 64-bit nonce counter is exhausted; close the link");
    }
}
