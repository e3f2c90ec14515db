package portforward.forward.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static portforward.forward.tcp.TcpListenConnectTest.assertClosedPromptly;
import static portforward.support.Sockets.assertHalfCloseCarried;
import static portforward.support.Sockets.connect;
import static portforward.support.Sockets.readText;
import static portforward.support.Sockets.send;

import java.net.Socket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.forward.RelayStats.Unpaired;
import portforward.support.LeakCheck;
import portforward.support.TestRelay;
import portforward.transport.Transport;

@Timeout(60)
@ExtendWith(LeakCheck.class)
class TcpListenListenTest {

    private static TestRelay rendezvous(Transport transport, String... extra) throws Exception {
        String[] args = new String[extra.length + 3];
        System.arraycopy(extra, 0, args, 0, extra.length);
        args[extra.length] = "tcp";
        args[extra.length + 1] = "listen:127.0.0.1:0";
        args[extra.length + 2] = "listen:127.0.0.1:0";
        return TestRelay.start(transport, args);
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void pairsOneConnectionFromEachSide(Transport transport) throws Exception {
        try (TestRelay relay = rendezvous(transport);
                Socket left = connect(relay.port(0));
                Socket right = connect(relay.port(1))) {
            send(left, "from left");
            assertEquals("from left", readText(right, 9));
            send(right, "from right");
            assertEquals("from right", readText(left, 10));
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void bytesSentWhileWaitingAreDeliveredAfterPairing(Transport transport) throws Exception {
        try (TestRelay relay = rendezvous(transport);
                Socket early = connect(relay.port(1))) {
            send(early, "sent before anyone else came");
            awaitWaiting(relay, 1);
            try (Socket late = connect(relay.port(0))) {
                assertEquals("sent before anyone else came", readText(late, 28));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void pairsInOrderOfArrivalAndQueuesRatherThanEvicts(Transport transport) throws Exception {
        try (TestRelay relay = rendezvous(transport);
                Socket first = connect(relay.port(0));
                Socket second = connect(relay.port(0))) {
            send(first, "1");
            send(second, "2");
            awaitWaiting(relay, 2);
            try (Socket a = connect(relay.port(1)); Socket b = connect(relay.port(1))) {
                assertEquals("1", readText(a, 1), "the first arrival pairs first");
                assertEquals("2", readText(b, 1), "the second arrival waited, it was not evicted");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void waitingConnectionWhoseClientLeftIsNeverPaired(Transport transport) throws Exception {
        try (TestRelay relay = rendezvous(transport)) {
            Socket quitter = connect(relay.port(0));
            quitter.close();
            relay.await("a waiting client that left", events -> events.unpaired(Unpaired.CLIENT_LEFT) == 1);
            try (Socket stayer = connect(relay.port(0))) {
                send(stayer, "alive");
                awaitWaiting(relay, 1);
                try (Socket partner = connect(relay.port(1))) {
                    assertEquals("alive", readText(partner, 5));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void unpairedConnectionIsClosedAfterThePairTimeout(Transport transport) throws Exception {
        try (TestRelay relay = rendezvous(transport, "--pair-timeout", "0.5")) {
            assertClosedPromptly(relay.port(1));
            relay.await("a connection with no partner", events -> events.unpaired(Unpaired.NO_PARTNER) == 1);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void halfCloseIsCarriedBetweenPairedClients(Transport transport) throws Exception {
        try (TestRelay relay = rendezvous(transport);
                Socket left = connect(relay.port(0));
                Socket right = connect(relay.port(1))) {
            assertHalfCloseCarried(left, right);
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void ipv6AndIpv4Listeners(Transport transport) throws Exception {
        try (TestRelay relay = TestRelay.start(transport, "tcp", "listen:[::1]:0", "listen:127.0.0.1:0");
                Socket six = connect("::1", relay.port(0));
                Socket four = connect(relay.port(1))) {
            send(six, "hi");
            assertEquals("hi", readText(four, 2));
        }
    }

    private static void awaitWaiting(TestRelay relay, int count) throws InterruptedException {
        relay.await(count + " waiting connections", events -> events.unpairedWaiting() == count);
    }
}
