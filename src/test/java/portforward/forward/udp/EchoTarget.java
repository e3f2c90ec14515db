package portforward.forward.udp;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A UDP server on loopback port 0 that answers each datagram with {@code reply(datagram)} and
 * remembers everything it received, so a test can say what reached the target and from where.
 */
final class EchoTarget implements AutoCloseable {
    private final UdpPeer peer;
    private final List<UdpPeer.Received> received = new CopyOnWriteArrayList<>();
    private final Thread thread;

    EchoTarget(String loopback, UnaryOperator<byte[]> reply) {
        peer = new UdpPeer(loopback);
        thread = new Thread(() -> {
            try {
                while (true) {
                    UdpPeer.Received in = peer.receiveWithin(java.time.Duration.ofDays(1)).orElseThrow();
                    received.add(in);
                    peer.send(reply.apply(in.data()), in.from());
                }
            } catch (RuntimeException closed) {
                // the socket was closed: the test is over
            }
        }, "echo-target");
        thread.setDaemon(true);
        thread.start();
    }

    EchoTarget() {
        this("127.0.0.1", data -> data);
    }

    int port() {
        return peer.port();
    }

    InetSocketAddress address() {
        return peer.address();
    }

    /** How many distinct source addresses sent to the target: one per relay session. */
    long sources() {
        return received.stream().map(UdpPeer.Received::from).distinct().count();
    }

    List<UdpPeer.Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws InterruptedException {
        peer.close();
        thread.join(5000);
    }
}
