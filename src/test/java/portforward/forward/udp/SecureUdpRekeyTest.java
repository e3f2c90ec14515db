package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.BitSet;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.SecretFile;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * Keys are renewed under traffic, by count (--rekey-datagrams) and by time (--rekey), and no
 * datagram in flight is lost to it: the old keys still open what was sealed with them.
 */
@ExtendWith(LeakCheck.class)
@Timeout(90)
class SecureUdpRekeyTest {
    private static final int IN_FLIGHT = 16;

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void renewingKeysEveryFortyDatagramsLosesNoneOfAThousandInFlight(Transport transport) throws Exception {
        String key = SecretFile.create();
        int total = 1000;
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer()) {
            TestRelay[] relays = SecureUdpTest.forward(transport, key, echo.port(), "--rekey-datagrams", "40");
            try (TestRelay a = relays[0]; TestRelay b = relays[1]) {
                BitSet back = new BitSet();
                int sent = 0;
                while (back.cardinality() < total) {
                    while (sent < total && sent - back.cardinality() < IN_FLIGHT) {
                        client.send(ByteBuffer.allocate(600).putInt(sent++).array(), a.address(0));
                    }
                    int id = ByteBuffer.wrap(client.receive().data()).getInt();
                    assertTrue(!back.get(id), "datagram " + id + " came back twice");
                    back.set(id);
                }
                assertTrue(a.events().keysRenewed() >= 10, "renewed " + a.events().keysRenewed() + " times");
                assertEquals(0, a.events().dropped(), a.events()::toString);
                assertEquals(0, b.events().dropped(), b.events()::toString);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void keysOlderThanRekeyAreRenewedWhileTrafficGoesOn(Transport transport) throws Exception {
        String key = SecretFile.create();
        try (EchoTarget echo = new EchoTarget(); UdpPeer client = new UdpPeer()) {
            TestRelay[] relays = SecureUdpTest.forward(transport, key, echo.port(), "--rekey", "0.2");
            try (TestRelay a = relays[0]; TestRelay b = relays[1]) {
                int n = 0;
                while (a.events().keysRenewed() < 3) {
                    client.send("n" + n, a.address(0));
                    assertEquals("n" + n, client.receiveText());
                    n++;
                }
                assertEquals(0, b.events().dropped(), b.events()::toString);
                assertEquals(1, b.events().sessionsOpened(), "renewal keeps the session");
            }
        }
    }
}
