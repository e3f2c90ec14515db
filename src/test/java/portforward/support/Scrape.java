package portforward.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import portforward.forward.RelayStats;
import portforward.metrics.Exported;
import portforward.metrics.MetricsServer;

/** A client of the metrics endpoint: GET a path, and the samples of a scrape by series. */
public final class Scrape {
    /** One answer: the status and the body (empty for a status without one). */
    public record Answer(int status, String contentType, String body) {
    }

    private Scrape() {
    }

    /** A metrics endpoint on 127.0.0.1 exporting {@code relay} as forward {@code name}. */
    public static MetricsServer serve(String name, TestRelay relay) throws IOException {
        List<Exported> forwards = List.of(new Exported(name, relay.events(), relay.forwarder().secureListeners()));
        return MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), () -> forwards, "test");
    }

    /** A metrics endpoint exporting bare counters, for tests of the format. */
    public static MetricsServer serve(Map<String, RelayStats> forwards) throws IOException {
        List<Exported> exported = forwards.entrySet().stream()
                .map(e -> new Exported(e.getKey(), e.getValue(), List.of())).toList();
        return MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), () -> exported, "test");
    }

    public static Answer get(MetricsServer server, String path) throws IOException {
        URL url = new URL("http://" + server.address().getHostString() + ":" + server.address().getPort() + path);
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setConnectTimeout(Sockets.READ_TIMEOUT_MS);
        c.setReadTimeout(Sockets.READ_TIMEOUT_MS);
        try {
            int status = c.getResponseCode();
            InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(status, c.getContentType(), body);
        } finally {
            c.disconnect();
        }
    }

    /** The samples of /metrics by series ({@code name{labels}}), comments left out. */
    public static Map<String, Double> samples(MetricsServer server) throws IOException {
        Answer answer = get(server, "/metrics");
        if (answer.status() != 200) {
            throw new AssertionError("/metrics answered " + answer.status() + ": " + answer.body());
        }
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : answer.body().split("\n")) {
            if (!line.startsWith("#") && !line.isEmpty()) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    /** How much each series grew from {@code before} to {@code after}. */
    public static double moved(Map<String, Double> before, Map<String, Double> after, String series) {
        if (!after.containsKey(series)) {
            throw new AssertionError("no series " + series + " in " + after.keySet());
        }
        return after.get(series) - before.getOrDefault(series, 0.0);
    }
}
