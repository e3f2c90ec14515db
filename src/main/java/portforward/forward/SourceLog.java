package portforward.forward;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Says at most once per source address per 10 s that something from it was refused, so that a
 * flood from one address costs a counter each and one line, and the next line says how many went
 * unsaid. Shared by event loops; remembers a bounded number of sources.
 */
public final class SourceLog {
    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int REMEMBERED_SOURCES = 4096;

    /** Writes the line: the source, and how many refusals of it went unsaid since the last line. */
    @FunctionalInterface
    public interface Line {
        void write(InetAddress source, long unsaid);
    }

    private final ConcurrentHashMap<InetAddress, long[]> lastSaid = new ConcurrentHashMap<>();

    /** Writes {@code line} for {@code peer} unless its source had a line in the last 10 s. */
    public void refused(SocketAddress peer, Line line) {
        InetAddress source = source(peer);
        long now = System.nanoTime();
        if (lastSaid.size() > REMEMBERED_SOURCES) {
            lastSaid.clear();
        }
        long[] seen = lastSaid.computeIfAbsent(source, s -> new long[] {now - EVERY_NANOS, 0});
        long unsaid;
        synchronized (seen) {
            if (now - seen[0] < EVERY_NANOS) {
                seen[1]++;
                return;
            }
            seen[0] = now;
            unsaid = seen[1];
            seen[1] = 0;
        }
        line.write(source, unsaid);
    }

    public static InetAddress source(SocketAddress peer) {
        return peer instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress()
                : InetAddress.getLoopbackAddress();
    }
}
