package portforward.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ShowTest {
    @Test
    void ipv6AddressesReadAsUsersWriteThem() throws Exception {
        assertEquals("[::1]:80", Show.address(new InetSocketAddress(InetAddress.getByName("::1"), 80)));
        assertEquals("[::]:0", Show.address(new InetSocketAddress(InetAddress.getByName("::"), 0)));
        assertEquals("[fd00:200::1]:22", Show.address(new InetSocketAddress(InetAddress.getByName("fd00:200:0:0:0:0:0:1"), 22)));
        assertEquals("[1:0:0:2::3]:1", Show.address(new InetSocketAddress(InetAddress.getByName("1:0:0:2:0:0:0:3"), 1)));
        assertEquals("[1::]:1", Show.address(new InetSocketAddress(InetAddress.getByName("1::"), 1)));
        assertEquals("127.0.0.1:8080", Show.address(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080)));
    }

    @Test
    void sizesAndCauses() {
        assertEquals("512 B", Show.bytes(512));
        assertEquals("1.5 KiB", Show.bytes(1536));
        assertEquals("1.0 KiB", Show.bytes(1024));
        assertEquals("1024.0 KiB", Show.bytes(1024 * 1024 - 1)); // rounds up as "%.1f" does
        assertEquals("100.0 MiB", Show.bytes(100L * 1024 * 1024));
        assertEquals("1.1 GiB", Show.bytes(1181116006L)); // 1.09999... GiB
        assertEquals("0.005 s", Show.seconds(5_000_000));
        assertEquals("0.000 s", Show.seconds(400_000));
        assertEquals("1.050 s", Show.seconds(1_049_600_000));
        assertEquals("12.345 s", Show.seconds(12_345_000_000L));
        assertEquals("connection refused", Show.cause(new java.io.IOException(
                "finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:1")));
    }
}
