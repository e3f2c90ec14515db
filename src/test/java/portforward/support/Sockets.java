package portforward.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;

/** Small blocking-socket helpers; every read has a timeout so a hang fails instead of waiting. */
public final class Sockets {
    public static final int READ_TIMEOUT_MS = 10_000;

    private Sockets() {
    }

    public static Socket connect(String host, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    /** A client connected from {@code source} (127.0.0.2, ::1) to {@code host}:{@code port}. */
    public static Socket connectFrom(String source, String host, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress(InetAddress.getByName(host), port), READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    /**
     * Sends {@code text} and reads its echo: true if it came back whole, false if the connection
     * ended or was reset instead (a refused client).
     */
    public static boolean echoed(Socket s, String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        try {
            s.getOutputStream().write(sent);
            s.getOutputStream().flush();
            byte[] back = s.getInputStream().readNBytes(sent.length);
            if (back.length == 0) {
                return false;
            }
            assertArrayEquals(sent, back);
            return true;
        } catch (SocketException reset) {
            return false;
        }
    }

    public static Socket connect(int port) throws IOException {
        return connect("127.0.0.1", port);
    }

    public static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    /** Reads exactly {@code n} bytes. */
    public static byte[] readExactly(Socket s, int n) throws IOException {
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s.getInputStream().readNBytes(n);
    }

    public static String readText(Socket s, int n) throws IOException {
        return new String(readExactly(s, n), StandardCharsets.UTF_8);
    }

    /** Reads until EOF. */
    public static byte[] readToEnd(Socket s) throws IOException {
        s.setSoTimeout(READ_TIMEOUT_MS);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    public static void assertEcho(int port, String text) throws IOException {
        try (Socket s = connect(port)) {
            send(s, text);
            s.shutdownOutput();
            assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), readToEnd(s));
        }
    }

    /** Reads until EOF, as text. */
    public static String readTextToEnd(Socket s) throws IOException {
        return new String(readToEnd(s), StandardCharsets.UTF_8);
    }

    /**
     * Half-close, carried both ways: {@code first} sends and shuts its output, {@code second} reads
     * that and then EOF, and can still send its own reply, which {@code first} reads to EOF.
     */
    public static void assertHalfCloseCarried(Socket first, Socket second) throws IOException {
        send(first, "sent before the FIN");
        first.shutdownOutput();
        assertEquals("sent before the FIN", readTextToEnd(second), "the bytes, then EOF");
        send(second, "sent after the other side's FIN");
        second.shutdownOutput();
        assertEquals("sent after the other side's FIN", readTextToEnd(first), "the reply, then EOF");
    }

    /** {@code resetting} closes with a reset; {@code other} must see a reset, not a clean EOF. */
    public static void assertResetCarried(Socket resetting, Socket other) throws IOException {
        resetting.setSoLinger(true, 0);
        resetting.close();
        assertThrows(SocketException.class, () -> readToEnd(other), "the other end must see a reset");
    }
    /**
     * How many established TCP connections to local {@code port} hold bytes not yet read, whether
     * accepted or still in the listener's queue: what a busy relay has waiting for it (from
     * /proc/net/tcp and tcp6; Linux only, as the relay's native transport).
     */
    public static long unreadConnections(int port) {
        return unreadQueues(port).filter(bytes -> bytes > 0).count();
    }

    /** The bytes not yet read on all established TCP connections to local {@code port}. */
    public static long unreadBytes(int port) {
        return unreadQueues(port).sum();
    }

    private static LongStream unreadQueues(int port) {
        String local = String.format(":%04X", port);
        LongStream.Builder queues = LongStream.builder();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 4 && f[1].endsWith(local) && f[3].equals("01")) {
                        queues.add(Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return queues.build();
    }
}
