package portforward.transport;

import io.netty.channel.unix.Errors;

/**
 * Tells a connection reset by the peer from other failures by the exception's type and errno,
 * never by its message. Written for Netty 4.2.18 on JDK 17.
 */
public final class Resets {
    /**
     * The JDK's NIO read of a reset socket throws this SocketException subclass; it is not
     * exported, so it is known by name.
     */
    static final String JDK_RESET = "sun.net.ConnectionResetException";

    private Resets() {
    }

    /** Whether {@code cause} says the peer reset the connection (ECONNRESET). */
    public static boolean isReset(Throwable cause) {
        // Test the type first: Errors' constants come from the native library, loaded only by epoll.
        if (cause instanceof Errors.NativeIoException nativeCause) {
            return nativeCause.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE;
        }
        return cause.getClass().getName().equals(JDK_RESET);
    }
}
