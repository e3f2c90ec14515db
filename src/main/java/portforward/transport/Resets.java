package portforward.transport;

import io.netty.channel.unix.Errors;
import java.net.SocketException;

/**
 * Tells a connection reset by the peer (ECONNRESET) from other failures. On epoll by the errno of
 * Netty's native exception; on NIO by the exception the JDK makes of that errno. Written for
 * Netty 4.2.18 on JDK 17.
 */
public final class Resets {
    /** What some JDK paths throw for ECONNRESET; not exported, so known by name. */
    static final String JDK_RESET_TYPE = "sun.net.ConnectionResetException";
    /**
     * JDK 17's SocketChannel read catches that exception and throws a plain SocketException with
     * this fixed text instead (SocketChannelImpl.throwConnectionReset): its only signal there.
     */
    static final String JDK_RESET_TEXT = "Connection reset";

    private Resets() {
    }

    public static boolean isReset(Throwable cause) {
        // Test the type first: Errors' constants come from the native library, loaded only by epoll.
        if (cause instanceof Errors.NativeIoException nativeCause) {
            return nativeCause.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE;
        }
        return cause.getClass().getName().equals(JDK_RESET_TYPE)
                || cause.getClass() == SocketException.class && JDK_RESET_TEXT.equals(cause.getMessage());
    }
}
