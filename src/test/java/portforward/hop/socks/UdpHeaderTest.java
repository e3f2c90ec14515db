package portforward.hop.socks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import portforward.support.LeakCheck;

/** RFC 1928's UDP header, by hand: each address type, a cut at every byte, and the way back. */
@Timeout(10)
@ExtendWith(LeakCheck.class)
class UdpHeaderTest {

    @Test
    void parsesEachAddressTypeAndRefusesEveryCut() throws Exception {
        byte[] data = {'q', 'u', 'e', 'r', 'y'};
        String[][] cases = {{"127.0.0.1", "127.0.0.1"}, {"::1", "0:0:0:0:0:0:0:1"}, {"dns.example.test", "dns.example.test"}};
        for (String[] c : cases) {
            byte[] request = SocksClient.request(0, c[0], 53);
            byte[] header = new byte[3 + request.length - 3];
            System.arraycopy(request, 3, header, 3, request.length - 3);
            header[2] = 0;
            byte[] datagram = concat(header, data);
            UdpHeader.Parsed parsed = UdpHeader.parse(Unpooled.wrappedBuffer(datagram));
            assertEquals(c[1], parsed.host());
            assertEquals(53, parsed.port());
            assertEquals(0, parsed.frag());
            assertArrayEquals(data, ByteBufUtil.getBytes(parsed.data()));
            for (int cut = 0; cut < header.length; cut++) {
                ByteBuf prefix = Unpooled.wrappedBuffer(Arrays.copyOf(datagram, cut));
                assertThrows(UdpHeader.MalformedException.class, () -> UdpHeader.parse(prefix), c[0] + " cut at " + cut);
            }
        }
        assertThrows(UdpHeader.MalformedException.class,
                () -> UdpHeader.parse(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 9, 1, 2, 3, 4, 0, 53})));
        assertThrows(UdpHeader.MalformedException.class,
                () -> UdpHeader.parse(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 3, 0, 0, 53})));
    }

    @Test
    void wrapsAnAnswerWithItsSource() throws Exception {
        ByteBuf answer = Unpooled.wrappedBuffer(new byte[] {'a', 'n'});
        ByteBuf wrapped = UdpHeader.wrap(ByteBufAllocator.DEFAULT,
                new InetSocketAddress(InetAddress.getByName("10.0.0.53"), 53), answer);
        assertArrayEquals(new byte[] {0, 0, 0, 1, 10, 0, 0, 53, 0, 53, 'a', 'n'}, ByteBufUtil.getBytes(wrapped));
        wrapped.release();
        ByteBuf six = UdpHeader.wrap(ByteBufAllocator.DEFAULT, new InetSocketAddress(InetAddress.getByName("::1"), 53),
                answer);
        assertEquals(4 + 16 + 2 + 2, six.readableBytes());
        assertEquals(4, six.getByte(3));
        six.release();
        answer.release();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
