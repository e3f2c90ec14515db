package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.TestRelay;
import portforward.support.ThreadPerTask;
import portforward.transport.Transport;

/**
 * A relay and its agent stopped at the same moment, as when both run under one supervisor: the
 * agent's pool sees its sockets close while its own loop shuts down, and must not try to
 * schedule on that loop (Netty logs a RejectedExecutionException warning when it does).
 */
@Timeout(120)
class StopTogetherTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void stoppingRelayAndAgentTogetherWarnsOfNothing(Transport transport) throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        try (EchoTarget target = new EchoTarget()) {
            for (int i = 0; i < 20; i++) {
                TestRelay relay = TestRelay.start(transport, "udp", "listen:127.0.0.1:0", "listen:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, "--pool", "4", "udp", "conn:127.0.0.1:" + relay.port(1),
                        "conn:127.0.0.1:" + target.port());
                try (UdpPeer user = new UdpPeer()) {
                    user.send("round " + i, relay.address(0));
                    assertEquals("round " + i, user.receiveText(), "the agent answered");
                }
                CompletableFuture<Void> a = CompletableFuture.runAsync(relay::close, ThreadPerTask.EXECUTOR);
                CompletableFuture<Void> b = CompletableFuture.runAsync(agent::close, ThreadPerTask.EXECUTOR);
                a.get(30, TimeUnit.SECONDS);
                b.get(30, TimeUnit.SECONDS);
            }
        } finally {
            root.removeHandler(handler);
        }
        assertEquals(List.of(), warnings.stream().filter(w -> w.contains("RejectedExecution")).toList());
    }
}
