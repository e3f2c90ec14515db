package portforward.support;

import io.netty.buffer.ByteBufAllocator;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.OptionalInt;
import portforward.transport.Transport;

/**
 * A transport with one answer of a test's own, through the same method the relay asks: every
 * other call goes to the real transport. Production has no such hooks.
 */
public final class TunedTransport {
    private TunedTransport() {
    }

    /** Datagram sockets allocate from {@code allocator}: how a test watches the memory UDP holds. */
    public static Transport withDatagramAllocator(Transport base, ByteBufAllocator allocator) {
        return answering(base, "datagramAllocator", allocator);
    }

    /**
     * The relay's TCP sockets get a send buffer of {@code bytes}: how a test makes a link fill after
     * a few kilobytes, where on loopback the kernel would grow the buffer to megabytes.
     */
    public static Transport withStreamSendBuffer(Transport base, int bytes) {
        return answering(base, "streamSendBuffer", OptionalInt.of(bytes));
    }

    private static Transport answering(Transport base, String method, Object answer) {
        return (Transport) Proxy.newProxyInstance(Transport.class.getClassLoader(), new Class<?>[] {Transport.class},
                (proxy, called, args) -> called.getName().equals(method) && called.getParameterCount() == 0
                        ? answer : forward(called, base, args));
    }

    private static Object forward(Method method, Transport base, Object[] args) throws Throwable {
        try {
            return method.invoke(base, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
