package portforward.transport;

import io.netty.channel.Channel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Larger pipes for spliced links. Netty splices through a pipe of the kernel's default 64 KiB,
 * one pipe-full per wake-up of the event loop; a larger pipe moves more per wake-up and per
 * system call. Resizing needs fcntl(F_SETPIPE_SZ), which Java 17 cannot call, so it comes from
 * the small native library build.sh makes (the launcher names it in -Dportforward.native). Without
 * it, or when the kernel refuses, links splice through default pipes as before.
 */
final class PipeSize {
    private static final Logger LOG = Logger.getLogger("portforward.transport");

    /** Bytes per enlarged pipe; pipe-max-size (1 MiB by default) bounds it for unprivileged users. */
    static final int BYTES = Integer.getInteger("portforward.pipe.size", 1024 * 1024);
    /**
     * Enlarged pipes held at once. The kernel counts pipe pages per user against
     * pipe-user-pages-soft (64 MiB by default) and, past it, gives every new pipe of that user
     * two pages; this budget keeps the relay well under it.
     */
    private static final int BUDGET = Integer.getInteger("portforward.pipe.budget", 16);

    private static final int DEFAULT_BYTES = 64 * 1024;
    private static final VarHandle PIPE_IN = pipeField("pipeIn");
    private static final VarHandle PIPE_OUT = pipeField("pipeOut");
    private static final boolean LOADED = PIPE_IN != null && PIPE_OUT != null && load();
    private static final AtomicInteger HELD = new AtomicInteger();

    private PipeSize() {
    }

    /**
     * Gives {@code to} a large pipe for what is spliced into it, when the native library, the
     * budget and the kernel allow. Must run before the first splice towards {@code to}.
     */
    static void enlarge(Channel to) {
        if (!LOADED || BYTES <= DEFAULT_BYTES || !to.isOpen() || PIPE_OUT.get(to) != null) {
            return;
        }
        if (HELD.incrementAndGet() > BUDGET) {
            HELD.decrementAndGet();
            return;
        }
        try {
            FileDescriptor[] pipe = FileDescriptor.pipe();
            PIPE_IN.set(to, pipe[0]);
            PIPE_OUT.set(to, pipe[1]); // from now on Netty's: it splices through it and closes it
            int size = resize(pipe[1].intValue(), BYTES);
            if (size > DEFAULT_BYTES) {
                to.closeFuture().addListener(f -> HELD.decrementAndGet());
                return;
            }
            LOG.fine(() -> "pipe of " + BYTES + " bytes refused: errno " + -size);
        } catch (IOException e) {
            LOG.log(Level.FINE, "no pipe", e); // Netty tries again itself and reports a failure on the link
        }
        HELD.decrementAndGet();
    }

    /** The capacity of the pipe that carries spliced bytes into {@code to}, or 0 when it has none. */
    static int capacity(Channel to) {
        Object pipeOut = LOADED ? PIPE_OUT.get(to) : null;
        return pipeOut == null ? 0 : Math.max(0, capacity(((FileDescriptor) pipeOut).intValue()));
    }

    /** Whether pipes can be enlarged here: the native library was given and loaded. */
    static boolean available() {
        return LOADED;
    }

    private static native int resize(int fd, int bytes);

    private static native int capacity(int fd);

    private static boolean load() {
        String path = System.getProperty("portforward.native", "");
        if (path.isEmpty() || !Files.isReadable(Path.of(path))) {
            return false;
        }
        try {
            System.load(path);
            return true;
        } catch (UnsatisfiedLinkError e) {
            LOG.log(Level.FINE, "native library not loaded: " + path, e);
            return false;
        }
    }

    private static VarHandle pipeField(String name) {
        try {
            return MethodHandles.privateLookupIn(AbstractEpollStreamChannel.class, MethodHandles.lookup())
                    .findVarHandle(AbstractEpollStreamChannel.class, name, FileDescriptor.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
