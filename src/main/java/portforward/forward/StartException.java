package portforward.forward;

/** A relay could not start: the message names the address and the cause. Exit code 1. */
public final class StartException extends Exception {
    public StartException(String message) {
        super(message);
    }
}
