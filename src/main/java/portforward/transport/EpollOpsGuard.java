package portforward.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;

/**
 * Works around a Netty 4.2 epoll defect: when a channel's interest set becomes empty (reading
 * paused for backpressure, then the peer's FIN clears EPOLLRDHUP) Netty removes the fd from
 * epoll but keeps treating it as added, so the next interest change (resuming reads, or waiting
 * for EPOLLOUT on a full socket) fails with "epoll_ctl(..) failed: No such file or directory" and
 * kills the connection. An empty interest set is submitted as edge-triggered-only instead: the fd
 * stays registered and reports nothing but a one-off error or hang-up. It also drops a submit
 * that repeats the interest set epoll holds (see {@link Guarded}): one system call per link.
 *
 * Written for Netty 4.2.18. EpollOpsGuardTest reproduces the defect without the guard, and fails
 * when a Netty upgrade adds a method to the wrapped interfaces that is not forwarded here;
 * RepeatedOpsTest shows the repeated submit below the guard with and without it.
 */
final class EpollOpsGuard implements IoHandlerFactory {
    private final IoHandlerFactory delegate;

    EpollOpsGuard(IoHandlerFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public IoHandler newHandler(io.netty.util.concurrent.ThreadAwareExecutor executor) {
        return new GuardedHandler(delegate.newHandler(executor));
    }

    @Override
    public boolean isChangingThreadSupported() {
        return delegate.isChangingThreadSupported();
    }

    /** Forwards every call; only registrations are wrapped. */
    record GuardedHandler(IoHandler handler) implements IoHandler {
        @Override
        public void initialize() {
            handler.initialize();
        }

        @Override
        public int run(IoHandlerContext context) {
            return handler.run(context);
        }

        @Override
        public void prepareToDestroy() {
            handler.prepareToDestroy();
        }

        @Override
        public void destroy() {
            handler.destroy();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            return new Guarded(handler.register(handle));
        }

        @Override
        public void wakeup() {
            handler.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return handler.isCompatible(handleType);
        }
    }

    /**
     * Forwards every call, with an empty interest set submitted as EPOLLET alone, and without
     * repeating the interest set epoll already holds: Netty 4.2.18 submits the channel's ops again
     * once a connect completes (AbstractEpollUnsafe.fulfillConnectPromise), right after it cleared
     * EPOLLOUT with a submit of the same set, an epoll_ctl(MOD) per dialled connection that changes
     * nothing for a level-triggered fd. Edge-triggered sets are always passed on: re-submitting
     * one re-arms its edge. Submits come from the channel's event loop, one at a time.
     */
    static final class Guarded implements IoRegistration {
        private final IoRegistration registration;
        /** The level-triggered set epoll holds for this fd, as last submitted with success; -1 if unknown. */
        private long held = -1;

        Guarded(IoRegistration registration) {
            this.registration = registration;
        }

        @Override
        public <T> T attachment() {
            return registration.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            if (!(ops instanceof EpollIoOps epoll)) {
                return registration.submit(ops);
            }
            EpollIoOps wanted = epoll.value() == 0 ? EpollIoOps.EPOLLET : epoll;
            if (wanted.value() == held) {
                return held;
            }
            long result = registration.submit(wanted);
            held = result == wanted.value() && !wanted.contains(EpollIoOps.EPOLLET) ? result : -1;
            return result;
        }

        @Override
        public boolean isValid() {
            return registration.isValid();
        }

        @Override
        public boolean cancel() {
            return registration.cancel();
        }
    }
}
