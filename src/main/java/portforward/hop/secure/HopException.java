package portforward.hop.secure;

import java.io.IOException;

/** A secure hop failed: the message says how, in words for the log (never key material). */
public class HopException extends IOException {
    public HopException(String message) {
        super(message);
    }
}
