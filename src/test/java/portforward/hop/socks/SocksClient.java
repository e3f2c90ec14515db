package portforward.hop.socks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import portforward.support.Sockets;

/** The bytes a SOCKS client sends and the replies it reads, written out by hand for the tests. */
final class SocksClient {
    private SocksClient() {
    }

    static byte[] greeting(int... methods) {
        byte[] b = new byte[2 + methods.length];
        b[0] = 5;
        b[1] = (byte) methods.length;
        for (int i = 0; i < methods.length; i++) {
            b[2 + i] = (byte) methods[i];
        }
        return b;
    }

    static byte[] login(String user, String password) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        out.write(u.length);
        out.writeBytes(u);
        out.write(p.length);
        out.writeBytes(p);
        return out.toByteArray();
    }

    /** A SOCKS5 request for a literal address (ATYP 1 or 4) or a name (ATYP 3). */
    static byte[] request(int command, String host, int port) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(5);
        out.write(command);
        out.write(0);
        if (host.matches("[0-9.]+") || host.contains(":")) {
            byte[] address = InetAddress.getByName(host).getAddress();
            out.write(address.length == 4 ? 1 : 4);
            out.writeBytes(address);
        } else {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            out.write(3);
            out.write(name.length);
            out.writeBytes(name);
        }
        out.write(port >> 8);
        out.write(port);
        return out.toByteArray();
    }

    static byte[] connect(String host, int port) throws IOException {
        return request(1, host, port);
    }

    /** SOCKS4 CONNECT to an IPv4 address, or SOCKS4a to a name. */
    static byte[] socks4(int command, String host, int port) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(4);
        out.write(command);
        out.write(port >> 8);
        out.write(port);
        boolean name = !host.matches("[0-9.]+");
        out.writeBytes(name ? new byte[] {0, 0, 0, 1} : InetAddress.getByName(host).getAddress());
        out.writeBytes("tester".getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        if (name) {
            out.writeBytes(host.getBytes(StandardCharsets.US_ASCII));
            out.write(0);
        }
        return out.toByteArray();
    }

    static void send(Socket s, byte[] bytes) throws IOException {
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
    }

    /** Sends one byte at a time, each in a write of its own. */
    static void trickle(Socket s, byte[] bytes) throws IOException {
        for (byte b : bytes) {
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
        }
    }

    /** A SOCKS5 client's opening: greeting with no authentication, and the server's choice of it. */
    static Socket open(int port) throws IOException {
        Socket s = Sockets.connect(port);
        send(s, greeting(0));
        assertArrayEquals(new byte[] {5, 0}, Sockets.readExactly(s, 2), "the server chose no authentication");
        return s;
    }

    /** Reads a SOCKS5 reply; returns its code and bound address. */
    record Reply(int code, InetSocketAddress bound) {
    }

    static Reply reply(Socket s) throws IOException {
        byte[] head = Sockets.readExactly(s, 4);
        assertEquals(4, head.length, "a reply of at least 4 bytes");
        assertEquals(5, head[0]);
        int type = head[3];
        byte[] address = Sockets.readExactly(s, type == 4 ? 16 : 4);
        byte[] port = Sockets.readExactly(s, 2);
        return new Reply(head[1], new InetSocketAddress(InetAddress.getByAddress(address),
                ((port[0] & 0xff) << 8) | (port[1] & 0xff)));
    }

    /** Reads a SOCKS4 reply (VN 0, CD, port, address); returns CD. */
    static int reply4(Socket s) throws IOException {
        byte[] reply = Sockets.readExactly(s, 8);
        assertEquals(8, reply.length, "a SOCKS4 reply is 8 bytes");
        assertEquals(0, reply[0]);
        return reply[1] & 0xff;
    }
}
