package portforward.endpoint;

/** Whether an endpoint waits for connections or makes them. */
public enum Role {
    LISTEN, CONN;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
