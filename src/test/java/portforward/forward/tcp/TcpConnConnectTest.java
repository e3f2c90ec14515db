package portforward.forward.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.forward.tcp.TcpListenConnectTest.assertClosedPromptly;
import static portforward.support.Sockets.assertEcho;
import static portforward.support.Sockets.connect;
import static portforward.support.Sockets.readText;
import static portforward.support.Sockets.send;

import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.Unpaired;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/** The reverse scenario: a public rendezvous relay and an agent that dials out to it. */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class TcpConnConnectTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void agentServesClientsOfTheRelay(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0", "listen:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, "tcp", "conn:127.0.0.1:" + relay.port(1),
                        "conn:127.0.0.1:" + echo.port())) {
            for (int i = 0; i < 10; i++) {
                assertEcho(relay.port(0), "through the agent " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void silentClientDoesNotBlockOthers(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0", "listen:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, "--pool", "2", "tcp",
                        "conn:127.0.0.1:" + relay.port(1), "conn:127.0.0.1:" + echo.port());
                Socket silent = connect(relay.port(0));
                Socket talker = connect(relay.port(0))) {
            send(talker, "ping");
            assertEquals("ping", readText(talker, 4));
            send(silent, "late");
            assertEquals("late", readText(silent, 4));
            // Two more at once, with the pool replenished behind them.
            try (Socket third = connect(relay.port(0)); Socket fourth = connect(relay.port(0))) {
                send(fourth, "4");
                send(third, "3");
                assertEquals("4", readText(fourth, 1));
                assertEquals("3", readText(third, 1));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void agentStartedBeforeItsRelayConnectsOnceTheRelayIsUp(Transport transport) throws Exception {
        int relayPort;
        try (ServerSocket reserve = new ServerSocket(0)) {
            relayPort = reserve.getLocalPort();
        }
        try (TcpServer echo = TcpServer.echo(); LogCapture log = new LogCapture();
                TestRelay agent = TestRelay.start(transport, "tcp", "conn:127.0.0.1:" + relayPort,
                        "conn:127.0.0.1:" + echo.port())) {
            agent.await("a failed connect to the relay", events -> events.connectFailures() >= 1);
            try (TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0",
                    "listen:127.0.0.1:" + relayPort)) {
                try {
                    assertEcho(relay.port(0), "late relay");
                } catch (Throwable t) {
                    throw new AssertionError(String.join("\n", log.lines()), t);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void targetDownClosesOnlyThatLink(Transport transport) throws Exception {
        int refusing;
        try (ServerSocket probe = new ServerSocket(0)) {
            refusing = probe.getLocalPort();
        }
        try (LogCapture log = new LogCapture();
                TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0", "listen:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, "tcp", "conn:127.0.0.1:" + relay.port(1),
                        "conn:127.0.0.1:" + refusing)) {
            assertClosedPromptly(relay.port(0));
            agent.await("a failed connect to the target", events -> events.connectFailures() == 1);
            // The line is the feature: an unreachable target is a warning, shown even with -q.
            String line = log.await("target 127.0.0.1:" + refusing + ": connection refused");
            assertTrue(line.startsWith("WARNING"), line);
            assertClosedPromptly(relay.port(0));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void idleConnectionsClosedByTheRelayAreReplaced(Transport transport) throws Exception {
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.start(transport, "--pair-timeout", "1.2", "tcp",
                        "listen:127.0.0.1:0", "listen:127.0.0.1:0");
                TestRelay agent = TestRelay.start(transport, "--pool", "1", "tcp",
                        "conn:127.0.0.1:" + relay.port(1), "conn:127.0.0.1:" + echo.port())) {
            relay.await("an idle agent connection dropped", events -> events.unpaired(Unpaired.NO_PARTNER) >= 1);
            agent.await("the pool renewed", events -> events.agentPooled() == 1);
            assertEcho(relay.port(0), "after the pool was renewed");
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void cascadeOfRelayAgentAndForward(Transport transport) throws Exception {
        // client -> forward (listen-conn) -> relay (listen-listen) <- agent (conn-conn) -> echo
        try (TcpServer echo = TcpServer.echo();
                TestRelay relay = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0", "listen:[::1]:0");
                TestRelay agent = TestRelay.start(transport, "tcp", "conn:[::1]:" + relay.port(1),
                        "conn:127.0.0.1:" + echo.port());
                TestRelay forward = TestRelay.start(transport, "tcp", "listen:127.0.0.1:0",
                        "conn:127.0.0.1:" + relay.port(0))) {
            assertEcho(forward.port(), "three hops");
        }
    }
}
