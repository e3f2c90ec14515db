package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static portforward.support.Scrape.moved;

import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.metrics.MetricsServer;
import portforward.support.LeakCheck;
import portforward.support.Scrape;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/** The UDP series of /metrics move by exactly the datagrams sent through a forward. */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class UdpMetricsTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void sessionsAndBytesMoveByExactlyTheTrafficSent(Transport transport) throws Exception {
        try (EchoTarget target = new EchoTarget();
                TestRelay relay = UdpListenConnectTest.relay(transport, target.port(), "--udp-timeout", "1");
                MetricsServer metrics = Scrape.serve("dns", relay);
                UdpPeer a = new UdpPeer();
                UdpPeer b = new UdpPeer()) {
            Map<String, Double> before = Scrape.samples(metrics);
            long sent = 0;
            for (int i = 0; i < 3; i++) {
                String text = "query " + i + "-".repeat(100 * i);
                a.send(text, relay.address(0));
                assertEquals(text, a.receiveText());
                b.send(text + "!", relay.address(0));
                assertEquals(text + "!", b.receiveText());
                sent += 2L * text.length() + 1;
            }
            Map<String, Double> during = Scrape.samples(metrics);
            String dns = "{forward=\"dns\"}";
            assertEquals(2, moved(before, during, "portforward_udp_sessions_opened_total" + dns));
            assertEquals(2, during.get("portforward_udp_sessions_active" + dns));
            relay.await("both sessions expired", s -> s.sessionsExpired() == 2);
            Map<String, Double> after = Scrape.samples(metrics);
            assertEquals(2, moved(before, after, "portforward_udp_sessions_expired_total" + dns));
            assertEquals(2, moved(before, after, "portforward_udp_sessions_closed_total{forward=\"dns\",reason=\"idle\"}"));
            assertEquals(0, after.get("portforward_udp_sessions_active" + dns));
            assertEquals(sent, moved(before, after, "portforward_bytes_to_target_total" + dns));
            assertEquals(sent, moved(before, after, "portforward_bytes_to_client_total" + dns));
            assertEquals(0, moved(before, after, "portforward_datagrams_dropped_total{forward=\"dns\",reason=\"table_full\"}"));
        }
    }
}
