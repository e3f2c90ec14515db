package portforward.forward.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A middlebox on the secure UDP hop, made of plain sockets: initiators send to {@link #port()},
 * and each of them reaches the responder from a socket of its own here (a flow, numbered in order
 * of arrival), as through a NAT. Every datagram either way is recorded, and {@link Policy} decides
 * what passes: dropped, duplicated, changed or held back. {@link #inject} sends as a flow would.
 */
final class HopTap implements AutoCloseable {
    enum Way { TO_RESPONDER, TO_INITIATOR }

    /** What to forward of one datagram (none, itself, twice, something else). */
    interface Policy {
        List<byte[]> pass(Way way, int flow, byte[] datagram);
    }

    record Seen(Way way, int flow, byte[] data) {
        byte type() {
            return data.length == 0 ? -1 : data[0];
        }
    }

    static final Policy PASS = (way, flow, datagram) -> List.of(datagram);

    private final InetSocketAddress responder;
    private final Policy policy;
    private final DatagramSocket front;
    private final Map<InetSocketAddress, Integer> flowOf = new ConcurrentHashMap<>();
    private final List<DatagramSocket> backs = new CopyOnWriteArrayList<>();
    private final List<InetSocketAddress> initiators = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new ArrayList<>();

    HopTap(int responderPort, Policy policy) throws SocketException {
        this.responder = new InetSocketAddress(InetAddress.getLoopbackAddress(), responderPort);
        this.policy = policy;
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        start(() -> read(front, this::fromInitiator));
    }

    int port() {
        return front.getLocalPort();
    }

    /** Where flow {@code flow} comes from, as the responder sees it. */
    InetSocketAddress flowAddress(int flow) {
        return (InetSocketAddress) backs.get(flow).getLocalSocketAddress();
    }

    /** Sends {@code data} to the responder from flow {@code flow}'s own socket. */
    void inject(int flow, byte[] data) {
        send(backs.get(flow), data, responder);
    }

    /** Every datagram seen so far, in order. */
    synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    synchronized List<Seen> seen(Way way, int type) {
        return seen.stream().filter(s -> s.way() == way && s.type() == type).toList();
    }

    /** Waits until what was seen satisfies {@code condition}; fails naming {@code what} after 20 s. */
    synchronized void await(String what, Predicate<List<Seen>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.test(seen)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " within 20 s; the tap saw " + seen.size() + " datagrams");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private void fromInitiator(DatagramPacket packet) {
        InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
        int flow = flowOf.computeIfAbsent(from, f -> {
            try {
                DatagramSocket back = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                backs.add(back);
                initiators.add(f);
                int n = backs.size() - 1;
                start(() -> read(back, p -> toInitiator(n, p)));
                return n;
            } catch (SocketException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] data = Arrays.copyOf(packet.getData(), packet.getLength());
        record(new Seen(Way.TO_RESPONDER, flow, data));
        policy.pass(Way.TO_RESPONDER, flow, data).forEach(d -> send(backs.get(flow), d, responder));
    }

    private void toInitiator(int flow, DatagramPacket packet) {
        byte[] data = Arrays.copyOf(packet.getData(), packet.getLength());
        record(new Seen(Way.TO_INITIATOR, flow, data));
        policy.pass(Way.TO_INITIATOR, flow, data).forEach(d -> send(front, d, initiators.get(flow)));
    }

    private synchronized void record(Seen s) {
        seen.add(s);
        notifyAll();
    }

    private static void send(DatagramSocket socket, byte[] data, InetSocketAddress to) {
        try {
            socket.send(new DatagramPacket(data, data.length, to));
        } catch (IOException e) {
            // closing: the test is over
        }
    }

    private interface Receiver {
        void accept(DatagramPacket packet);
    }

    private static void read(DatagramSocket socket, Receiver receiver) {
        byte[] buffer = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                return;
            }
            receiver.accept(packet);
        }
    }

    private static void start(Runnable task) {
        Thread thread = new Thread(task, "hop-tap");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        front.close();
        backs.forEach(DatagramSocket::close);
    }
}
