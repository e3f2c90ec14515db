package portforward.hop.secure.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import portforward.forward.LoopTasks;
import portforward.hop.secure.HopException;
import portforward.hop.secure.HopSettings;
import portforward.hop.secure.ReplayCache;

/**
 * One end of the secure hop with one peer: its handshakes, its keys, its keepalives. The initiator
 * offers, retries with backoff, keeps the path alive and renews the keys; the responder answers
 * and echoes keepalives. Up to three key pairs live at once (WireGuard's current, previous, next),
 * so that no datagram in flight is lost to a renewal. Confined to one event loop.
 */
final class Flow {
    /** What a flow needs from the socket it lives on. */
    interface Events {
        /** A datagram of the hop's own (handshake, keepalive) for the peer. */
        void send(ByteBuf datagram);

        /** An authenticated datagram's plaintext, taken. */
        void data(ByteBuf plaintext);

        void keepalive();

        void dropped(DatagramDrop why);

        /** Responder: the first datagram under the first keys opened; the peer proved the secret. */
        void confirmed();

        /** Initiator: a handshake after the first gave new keys. */
        void renewed();

        /** The peer fell silent, or (responder) never confirmed: the flow is over. */
        void gone(String why);
    }

    private static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long HANDSHAKE_NANOS = HopSettings.HANDSHAKE_TIMEOUT.toNanos();
    private static final int MISSED = 3;

    private final DatagramHopSettings settings;
    private final boolean initiator;
    private final EventLoop loop;
    private final ByteBufAllocator alloc;
    private final Events events;
    private final Promise<Void> ready;
    private final ReplayCache replays;
    private Keypair current;
    private Keypair previous;
    private Keypair next;
    private DatagramHandshake.Offer offer;
    private DatagramHandshake.Answer answer;
    private boolean agentLink;
    private long intervalNanos;
    private long lastReceivedNanos = System.nanoTime();
    private boolean sentSinceTick;
    private boolean receivedSinceTick;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> tick;
    private boolean over;

    private Flow(DatagramHopSettings settings, boolean initiator, EventLoop loop, ByteBufAllocator alloc, Events events,
            ReplayCache replays) {
        this.settings = settings;
        this.initiator = initiator;
        this.loop = loop;
        this.alloc = alloc;
        this.events = events;
        this.replays = replays;
        this.ready = loop.newPromise();
        this.intervalNanos = settings.hop().heartbeat().toNanos();
    }

    static Flow initiator(DatagramHopSettings settings, EventLoop loop, ByteBufAllocator alloc, Events events) {
        return new Flow(settings, true, loop, alloc, events, null);
    }

    static Flow responder(DatagramHopSettings settings, EventLoop loop, ByteBufAllocator alloc, Events events,
            ReplayCache replays) {
        return new Flow(settings, false, loop, alloc, events, replays);
    }

    /** Initiator: done once the first handshake completes; failed if it does not within 5 s. */
    Promise<Void> ready() {
        return ready;
    }

    /** Initiator: offers the first handshake; {@code agentLink}: an agent's pool socket. */
    void start(boolean agentLink) {
        if (over) {
            return; // closed while it waited for its turn; ready has failed already
        }
        this.agentLink = agentLink;
        offer();
        schedule();
    }

    /** A datagram from the peer, taken. */
    void received(ByteBuf datagram) {
        try {
            byte type = datagram.readableBytes() == 0 ? 0 : datagram.getByte(datagram.readerIndex());
            if (type == DatagramWire.DATA && datagram.readableBytes() >= DatagramWire.OVERHEAD) {
                data(datagram);
            } else if (type == DatagramWire.WELCOME && initiator) {
                welcome(datagram);
            } else if (type == DatagramWire.HELLO && !initiator) {
                hello(ByteBufUtil.getBytes(datagram)).ifPresent(why -> events.dropped(DatagramDrop.UNAUTHENTICATED));
            } else {
                events.dropped(DatagramDrop.UNAUTHENTICATED);
            }
        } finally {
            datagram.release();
        }
    }

    /** Seals {@code plaintext} (taken) for the peer; empty, counted, if it cannot go. */
    Optional<ByteBuf> seal(ByteBuf plaintext) {
        try {
            if (plaintext.readableBytes() > DatagramWire.MAX_PAYLOAD) {
                events.dropped(DatagramDrop.TOO_LARGE);
                return Optional.empty();
            }
            Optional<ByteBuf> sealed = usable(current) ? current.seal(alloc, plaintext) : Optional.empty();
            if (sealed.isEmpty()) {
                events.dropped(DatagramDrop.NO_KEYS);
                return sealed;
            }
            sentSinceTick = true;
            renewIfDue();
            return sealed;
        } catch (GeneralSecurityException e) {
            events.dropped(DatagramDrop.NO_KEYS);
            return Optional.empty();
        } finally {
            plaintext.release();
        }
    }

    /**
     * Responder: reads a first message. A duplicate of the last one gets the same reply again; a
     * new one (a renewal) sets up the next keys, used once the initiator's first datagram under them
     * opens. Empty when answered; else why it was refused (the peer is told nothing).
     */
    Optional<String> hello(byte[] hello) {
        if (answer != null && answer.answers(hello)) {
            events.send(Unpooled.wrappedBuffer(answer.welcome()));
            return Optional.empty();
        }
        try {
            answer = DatagramHandshake.answer(settings, replays, hello);
        } catch (DatagramHandshake.Refused refused) {
            return Optional.of(refused.getMessage());
        }
        next = answer.keys();
        intervalNanos = TimeUnit.MILLISECONDS.toNanos(answer.heartbeatMillis());
        events.send(Unpooled.wrappedBuffer(answer.welcome()));
        if (current == null) {
            LoopTasks.schedule(loop, () -> {
                if (current == null && !over) {
                    gone("no datagram under the new keys within " + HopSettings.HANDSHAKE_TIMEOUT.toSeconds() + " s");
                }
            }, HANDSHAKE_NANOS, TimeUnit.NANOSECONDS);
        }
        return Optional.empty();
    }

    void close() {
        over = true;
        cancel(retry);
        cancel(tick);
        ready.tryFailure(new HopException("closed"));
    }

    private void data(ByteBuf datagram) {
        int receiver = datagram.getInt(datagram.readerIndex() + 1);
        Keypair keys = current != null && current.localIndex == receiver ? current
                : next != null && next.localIndex == receiver ? next
                : previous != null && previous.localIndex == receiver ? previous : null;
        Optional<ByteBuf> opened = usable(keys) ? keys.open(alloc, datagram) : Optional.empty();
        if (opened.isEmpty()) {
            events.dropped(DatagramDrop.UNAUTHENTICATED);
            return;
        }
        lastReceivedNanos = System.nanoTime();
        receivedSinceTick = true;
        if (keys == next) {
            boolean first = current == null;
            previous = current;
            current = next;
            next = null;
            if (first) {
                events.confirmed();
                schedule();
            }
        }
        ByteBuf plaintext = opened.get();
        if (plaintext.readableBytes() == 0) {
            if (!initiator) {
                keepalive(); // the initiator learns from the echo that its peer is still there
            }
            events.keepalive();
        } else {
            events.data(plaintext);
        }
        renewIfDue();
    }

    private void welcome(ByteBuf datagram) {
        if (offer == null && current != null && datagram.readableBytes() == DatagramWire.WELCOME_LENGTH
                && datagram.getInt(datagram.readerIndex() + 1 + DatagramWire.INDEX) == current.localIndex) {
            return; // the reply to a retransmission of the offer already answered: nothing new, nothing lost
        }
        Optional<Keypair> keys = offer == null ? Optional.empty() : offer.accept(datagram);
        if (keys.isEmpty()) {
            events.dropped(DatagramDrop.UNAUTHENTICATED);
            return;
        }
        offer = null;
        cancel(retry);
        if (current != null) {
            events.renewed();
        }
        previous = current;
        current = keys.get();
        lastReceivedNanos = System.nanoTime();
        receivedSinceTick = true;
        keepalive(); // confirms the new keys to the responder even if nothing else is to be sent
        ready.trySuccess(null);
    }

    private boolean usable(Keypair keys) {
        return keys != null && keys.ageNanos() < settings.rejectAfter().toNanos();
    }

    private void keepalive() {
        seal(Unpooled.EMPTY_BUFFER).ifPresent(events::send);
    }

    /** Initiator: a new handshake once the keys are old enough or have used enough counters. */
    private void renewIfDue() {
        if (initiator && offer == null && current != null && !over && (current.ageNanos() >= settings.rekeyAfter().toNanos()
                || current.used() >= settings.rekeyDatagrams())) {
            offer();
        }
    }

    private void offer() {
        try {
            offer = DatagramHandshake.offer(settings, agentLink);
        } catch (GeneralSecurityException e) {
            failed("cannot start the handshake: " + e.getMessage());
            return;
        }
        sendOffer(FIRST_RETRY_NANOS);
    }

    /** Sends the offer, and again after {@code delay}, doubling, until answered or 5 s are up. */
    private void sendOffer(long delay) {
        if (over || offer == null) {
            return;
        }
        if (offer.spoiled()) {
            offer(); // a forged reply broke it; a fresh one costs the real peer nothing
            return;
        }
        long left = HANDSHAKE_NANOS - offer.ageNanos();
        if (left <= 0) {
            offer = null;
            if (current == null) {
                failed("no answer to the secure hop handshake within " + HopSettings.HANDSHAKE_TIMEOUT.toSeconds()
                        + " s (a different secret, clocks more than " + ReplayCache.WINDOW_MILLIS / 1000
                        + " s apart, a --allow-from on the relay that leaves this host out, or not a listen+s endpoint)");
            }
            return; // a renewal that failed is tried again with the next datagram; the keys still serve
        }
        events.send(Unpooled.wrappedBuffer(offer.hello));
        long jittered = (long) (Math.min(delay, left) * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble()));
        retry = LoopTasks.schedule(loop, () -> sendOffer(delay * 2), jittered, TimeUnit.NANOSECONDS).orElse(null);
    }

    private void failed(String why) {
        over = true;
        cancel(tick);
        ready.tryFailure(new HopException(why));
    }

    /** Every interval, with jitter: keepalive if nothing went out, and give up on a silent peer. */
    private void schedule() {
        long jittered = (long) (intervalNanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        tick = LoopTasks.schedule(loop, this::tick, jittered, TimeUnit.NANOSECONDS).orElse(null);
    }

    private void tick() {
        if (over) {
            return;
        }
        long quiet = System.nanoTime() - lastReceivedNanos;
        if (current != null && quiet > MISSED * intervalNanos) {
            gone("silent for " + TimeUnit.NANOSECONDS.toMillis(quiet) / 1000.0 + " s");
            return;
        }
        if (current != null && !sentSinceTick && (initiator || receivedSinceTick)) {
            keepalive();
        }
        sentSinceTick = false;
        receivedSinceTick = false;
        renewIfDue();
        schedule();
    }

    private void gone(String why) {
        over = true;
        cancel(retry);
        events.gone(why);
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }
}
