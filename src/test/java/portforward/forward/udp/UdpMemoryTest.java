package portforward.forward.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.HeldLoops;
import portforward.support.LeakCheck;
import portforward.support.PeakDirectMemory;
import portforward.support.TestRelay;
import portforward.support.TunedTransport;
import portforward.transport.Transport;

@ExtendWith(LeakCheck.class)
@Timeout(30)
class UdpMemoryTest {
    private static final int BURST = 16;

    /**
     * The relay's event loops are held while a burst of small datagrams waits in the listener's
     * socket, so the whole burst is read in one wake-up and queued before it is flushed. What the
     * queued datagrams hold is then their size, not a 64 KiB receive buffer each.
     */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aQueuedDatagramHoldsItsOwnSizeNotAReceiveBuffer(Transport transport) throws Exception {
        PeakDirectMemory memory = new PeakDirectMemory();
        try (EchoTarget target = new EchoTarget();
                TestRelay relay = UdpListenConnectTest.relay(TunedTransport.withDatagramAllocator(transport, memory), target.port());
                UdpPeer client = new UdpPeer()) {
            client.send("open", relay.address(0));
            assertEquals("open", client.receiveText());

            burst(relay, client, memory); // the relay's receive buffers are made once, here
            long grew = burst(relay, client, memory);
            assertTrue(grew < 64 * 1024, BURST + " datagrams of 100 bytes held " + grew / 1024
                    + " KiB of direct memory at once: each pins a receive buffer");
        }
    }

    /** Sends a burst while the relay's loops are held; returns how far direct memory rose above where it was. */
    private static long burst(TestRelay relay, UdpPeer client, PeakDirectMemory memory) throws Exception {
        long before;
        try (HeldLoops held = HeldLoops.hold(relay.context().group())) {
            before = memory.resetPeak();
            for (int i = 0; i < BURST; i++) {
                client.send("datagram " + i + " ".repeat(90), relay.address(0));
            }
        }
        for (int i = 0; i < BURST; i++) {
            assertEquals("datagram " + i + " ".repeat(90), client.receiveText());
        }
        return memory.peak() - before;
    }
}
