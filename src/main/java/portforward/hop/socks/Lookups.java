package portforward.hop.socks;

import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Looks up the names SOCKS clients ask for on threads of their own: the JDK's resolver blocks, and
 * a slow DNS server inside the agent's network must not stall every link on an event loop. A
 * literal address is parsed at once, never looked up.
 */
final class Lookups {
    private static final ExecutorService THREADS = threads();

    private Lookups() {
    }

    private static ExecutorService threads() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("socks-lookup", true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    static boolean isLiteral(String host) {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }

    /** The address of {@code host}; completes on a lookup thread, or at once for a literal. */
    static CompletableFuture<InetAddress> lookUp(String host) {
        if (host.isEmpty()) {
            return CompletableFuture.failedFuture(new UnknownHostException("empty host name"));
        }
        if (isLiteral(host)) {
            try {
                return CompletableFuture.completedFuture(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new CompletionException(e);
            }
        }, THREADS);
    }
}
