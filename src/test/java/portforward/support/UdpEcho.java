package portforward.support;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;

/** A UDP echo on loopback, answering each datagram to its sender. */
public final class UdpEcho implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;

    public UdpEcho() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> {
            DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
            try {
                while (true) {
                    p.setLength(65536);
                    socket.receive(p);
                    socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                }
            } catch (java.io.IOException closed) {
                // the test is over
            }
        }, "udp-echo");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
