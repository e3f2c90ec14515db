package portforward.hop.socks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static portforward.hop.socks.SocksClient.open;
import static portforward.hop.socks.SocksClient.reply;
import static portforward.hop.socks.SocksClient.send;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.Sockets;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/** UDP ASSOCIATE where socks is local: a DNS query to a UDP echo, with RFC 1928's header both ways. */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class SocksUdpTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aDnsQueryGoesThroughAnAssociationAndFragmentsDoNot(Transport transport) throws Exception {
        try (UdpEcho dns = new UdpEcho();
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                LogCapture log = new LogCapture();
                TestRelay relay = SocksConnectTest.socks(transport)) {
            udp.setSoTimeout(Sockets.READ_TIMEOUT_MS);
            Socket control = open(relay.port());
            send(control, SocksClient.request(3, "0.0.0.0", 0));
            SocksClient.Reply associated = reply(control);
            assertEquals(0, associated.code());
            byte[] query = dnsQuery(SocksConnectTest.NAME);
            // A fragment first: dropped. Then the query, to an address and to a name.
            udp.send(datagram(1, "127.0.0.1", dns.port(), "a fragment".getBytes(StandardCharsets.US_ASCII), associated));
            for (String target : new String[] {"127.0.0.1", SocksConnectTest.NAME}) {
                udp.send(datagram(0, target, dns.port(), query, associated));
                DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
                udp.receive(answer);
                assertEquals(associated.bound(), answer.getSocketAddress(), "the answer comes from the association");
                byte[] expected = datagram(0, "127.0.0.1", dns.port(), query, associated).getData();
                assertArrayEquals(expected, Arrays.copyOf(answer.getData(), answer.getLength()),
                        "header naming the server (IPv4), then the answer");
            }
            assertEquals(2, dns.received.size(), "the fragment never reached the server");
            control.close();
            log.await("ended its udp association: 2 datagrams to targets, 2 back, 1 fragments");
        }
    }

    /** --allow applies to each datagram's target, not to the address the client says it sends from. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void datagramsToTargetsOutsideAllowAreDropped(Transport transport) throws Exception {
        try (UdpEcho allowed = new UdpEcho();
                UdpEcho denied = new UdpEcho();
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                TestRelay relay = SocksConnectTest.socks(transport, "--allow", "127.0.0.1:" + allowed.port())) {
            udp.setSoTimeout(Sockets.READ_TIMEOUT_MS);
            Socket control = open(relay.port());
            send(control, SocksClient.request(3, "127.0.0.1", udp.getLocalPort()));
            SocksClient.Reply associated = reply(control);
            assertEquals(0, associated.code());
            byte[] query = dnsQuery("example.test");
            udp.send(datagram(0, "127.0.0.1", denied.port(), query, associated));
            udp.send(datagram(0, "127.0.0.1", allowed.port(), query, associated));
            DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
            udp.receive(answer);
            assertArrayEquals(datagram(0, "127.0.0.1", allowed.port(), query, associated).getData(),
                    Arrays.copyOf(answer.getData(), answer.getLength()), "the allowed target's answer");
            assertEquals(0, denied.received.size(), "nothing reached the target outside --allow");
            control.close();
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void throughAnAgentUdpAssociateIsNotSupported(Transport transport) throws Exception {
        try (TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0", "listen:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, "tcp", "conn:127.0.0.1:" + relay.port(1), "socks");
                Socket control = open(relay.port(0))) {
            send(control, SocksClient.request(3, "0.0.0.0", 0));
            assertEquals(7, reply(control).code(), "command not supported");
        }
    }

    private static DatagramPacket datagram(int frag, String host, int port, byte[] data, SocksClient.Reply to)
            throws Exception {
        byte[] request = SocksClient.request(0, host, port); // VER CMD RSV ATYP ADDR PORT: the last three are the header's
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(frag);
        out.write(request, 3, request.length - 3);
        out.writeBytes(data);
        byte[] bytes = out.toByteArray();
        return new DatagramPacket(bytes, bytes.length, to.bound());
    }

    private static byte[] dnsQuery(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            out.write(label.length());
            out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return out.toByteArray();
    }

    /** A UDP server on loopback that sends each datagram back, and keeps what it got. */
    private static final class UdpEcho implements AutoCloseable {
        private final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final List<byte[]> received = new CopyOnWriteArrayList<>();

        UdpEcho() throws Exception {
            Thread thread = new Thread(() -> {
                byte[] buf = new byte[2048];
                try {
                    while (true) {
                        DatagramPacket packet = new DatagramPacket(buf, buf.length);
                        socket.receive(packet);
                        received.add(Arrays.copyOf(packet.getData(), packet.getLength()));
                        socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            }, "udp-echo");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
