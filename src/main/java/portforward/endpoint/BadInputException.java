package portforward.endpoint;

/** Input the user can fix: the message names the offending text. Exit code 2. */
public final class BadInputException extends Exception {
    public BadInputException(String message) {
        super(message);
    }
}
