package portforward.hop.secure;

/** The far end of a secure hop aborted its link (a reset carried as a record). */
public final class PeerResetException extends HopException {
    public PeerResetException() {
        super("connection reset by peer across the secure hop");
    }
}
