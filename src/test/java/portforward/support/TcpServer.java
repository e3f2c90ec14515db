package portforward.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain blocking TCP server on a loopback port chosen by the OS. Accepted sockets are handed to
 * the test in order ({@link #next()}), or, in echo mode, echoed until EOF and then closed.
 */
public final class TcpServer implements AutoCloseable {
    private final ServerSocket server;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final boolean echo;

    private TcpServer(String host, boolean echo) throws IOException {
        this.server = new ServerSocket();
        this.server.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 512);
        this.echo = echo;
        Thread t = new Thread(this::acceptLoop, "test-server-" + port());
        t.setDaemon(true);
        t.start();
    }

    /** Hands every accepted connection to {@link #next()}. */
    public static TcpServer queueing(String host) throws IOException {
        return new TcpServer(host, false);
    }

    /** Echoes every connection until the client's EOF, then closes it. */
    public static TcpServer echo(String host) throws IOException {
        return new TcpServer(host, true);
    }

    public static TcpServer echo() throws IOException {
        return echo("127.0.0.1");
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next accepted connection, waiting at most 10 s. */
    public Socket next() throws InterruptedException {
        Socket s = accepted.poll(10, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no connection reached the server within 10 s");
        }
        return s;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                if (echo) {
                    Thread t = new Thread(() -> echo(s), "test-echo");
                    t.setDaemon(true);
                    t.start();
                } else {
                    accepted.add(s);
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echo(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        } catch (IOException e) {
            // the test sees the effect on its own side
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket s;
        while ((s = accepted.poll()) != null) {
            s.close();
        }
    }
}
