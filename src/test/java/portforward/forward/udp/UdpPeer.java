package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** A plain java.net UDP socket on loopback port 0, as a client or a hand-driven relay. */
final class UdpPeer implements AutoCloseable {
    private final DatagramSocket socket;

    /** One datagram as received: who sent it, and its bytes. */
    record Received(InetSocketAddress from, byte[] data) {
    }

    UdpPeer(String loopback) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(loopback), 0));
            socket.setReceiveBufferSize(1 << 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    UdpPeer() {
        this("127.0.0.1");
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    int port() {
        return socket.getLocalPort();
    }

    void send(byte[] data, InetSocketAddress to) {
        try {
            socket.send(new DatagramPacket(data, data.length, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void send(String text, InetSocketAddress to) {
        send(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), to);
    }

    /** The next datagram, or a failure if none comes within {@code timeout}. */
    Received receive(Duration timeout) {
        return receiveWithin(timeout).orElseGet(() -> fail("no datagram within " + timeout + " on " + address()));
    }

    Received receive() {
        return receive(Duration.ofSeconds(5));
    }

    String receiveText() {
        return new String(receive().data(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The next datagram if one comes within {@code timeout}; for asserting that none does. */
    Optional<Received> receiveWithin(Duration timeout) {
        byte[] buffer = new byte[65536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(new Received((InetSocketAddress) packet.getSocketAddress(),
                Arrays.copyOf(buffer, packet.getLength())));
    }

    @Override
    public void close() {
        socket.close();
    }
}
