package portforward.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code --metrics HOST:PORT}: the JDK's HTTP server on its own thread, answering GET (and HEAD)
 * {@code /metrics} and 404 for any other path. The forwards are asked for at each scrape, so a
 * reload changes what is exported without restarting the server.
 */
public final class MetricsServer implements AutoCloseable {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** Binds {@code address} and starts answering; throws if it cannot bind. */
    public static MetricsServer start(InetSocketAddress address, Supplier<List<Exported>> forwards, String version)
            throws IOException {
        double startSeconds = ProcessHandle.current().info().startInstant()
                .map(i -> i.toEpochMilli() / 1000.0).orElse(System.currentTimeMillis() / 1000.0);
        HttpServer server = HttpServer.create(address, 16);
        server.createContext("/", exchange -> answer(exchange, () -> Exposition.write(forwards.get(), version, startSeconds)));
        server.start();
        return new MetricsServer(server);
    }

    private static void answer(HttpExchange exchange, Supplier<String> body) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                send(exchange, 404, "not found: metrics are at /metrics\n", method);
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "use GET\n", method);
            } else {
                exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                send(exchange, 200, body.get(), method);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String text, String method) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (method.equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }

    /** The bound address, with the port the system chose for port 0. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
