package portforward.hop.socks;

/** A SOCKS handshake that ended without a request to serve; the message says why, for the log. */
public final class SocksException extends Exception {
    SocksException(String message) {
        super(message, null, false, false);
    }
}
