package portforward.transport;

import io.netty.channel.Channel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Larger pipes for spliced links. Netty splices through a pipe of the kernel's default 64 KiB,
 * one pipe-full per wake-up of the event loop; a larger pipe moves more per wake-up and per
 * system call. Resizing needs fcntl(F_SETPIPE_SZ), which Java 17 cannot call, so it comes from
 * the small native library build.sh makes (the launcher names it in -Dportforward.native). Without
 * it, or when the kernel refuses, links splice through default pipes as before.
 *
 * Written for Netty 4.2.18: it reaches Netty's private AbstractEpollStreamChannel.pipeIn/pipeOut
 * (PipeSizeTest fails if they vanish). A library that cannot be loaded or linked means default
 * pipes and one warning, never a failed link.
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
    private static final String LIBRARY = System.getProperty("portforward.native", "");
    private static final boolean LOADED = fieldsFound() && load(LIBRARY);
    private static final AtomicInteger HELD = new AtomicInteger();
    /** Set once a native call failed to link: large pipes are off from then on. */
    private static final AtomicBoolean BROKEN = new AtomicBoolean();

    private PipeSize() {
    }

    /**
     * Gives {@code to} a large pipe for what is spliced into it, when the native library, the
     * budget and the kernel allow. Must run before the first splice towards {@code to}.
     */
    static void enlarge(Channel to) {
        if (!LOADED || BROKEN.get() || BYTES <= DEFAULT_BYTES || !to.isOpen() || PIPE_OUT.get(to) != null) {
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
            int size = guarded(() -> resize(pipe[1].intValue(), BYTES), 0, BROKEN);
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
        return pipeOut == null ? 0 : Math.max(0, guarded(() -> capacity(((FileDescriptor) pipeOut).intValue()), 0, BROKEN));
    }

    /** Whether pipes can be enlarged here: the native library was given and loaded, and links. */
    static boolean available() {
        return LOADED && !BROKEN.get();
    }

    /** Whether Netty still has the private fields that hold a channel's splice pipe. */
    static boolean fieldsFound() {
        return PIPE_IN != null && PIPE_OUT != null;
    }

    /** Whether {@code to} has a splice pipe yet, of any size: it has been spliced into. */
    static boolean hasPipe(Channel to) {
        return fieldsFound() && PIPE_OUT.get(to) != null;
    }

    /** Large pipes enlarged and not yet given back. */
    static int held() {
        return HELD.get();
    }

    /**
     * Makes a native call. One that cannot link (a library of another build, a missing symbol)
     * sets {@code broken} and returns {@code failed}; the first such failure says so once.
     */
    static int guarded(IntSupplier call, int failed, AtomicBoolean broken) {
        try {
            return call.getAsInt();
        } catch (LinkageError e) {
            if (broken.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "no large pipes: the native library " + LIBRARY + " cannot be used ("
                        + e + "); spliced links use the kernel's default pipes");
            }
            return failed;
        }
    }

    private static native int resize(int fd, int bytes);

    private static native int capacity(int fd);

    /** Loads the library at {@code path}, if one is given; never throws. */
    static boolean load(String path) {
        if (path.isEmpty() || !Files.isReadable(Path.of(path))) {
            return false;
        }
        try {
            System.load(path);
            return true;
        } catch (LinkageError | SecurityException e) {
            LOG.log(Level.WARNING, "no large pipes: cannot load the native library " + path + " (" + e
                    + "); spliced links use the kernel's default pipes");
            return false;
        }
    }

    private static VarHandle pipeField(String name) {
        try {
            return MethodHandles.privateLookupIn(AbstractEpollStreamChannel.class, MethodHandles.lookup())
                    .findVarHandle(AbstractEpollStreamChannel.class, name, FileDescriptor.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning(() -> "no large pipes: Netty's " + AbstractEpollStreamChannel.class.getSimpleName() + "." + name
                    + " is not there (" + e + ")");
            return null;
        }
    }
}
