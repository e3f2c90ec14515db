package portforward.hop.socks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AllowlistTest {

    @Test
    void blocksAndPortsOfBothFamilies() throws Exception {
        Allowlist allow = Allowlist.parse("10.0.0.0/8:22, 192.168.1.7, [fd00::/8]:80-443, 2001:db8::/32, 0.0.0.0/0:53");
        assertTrue(allow.permits(ip("10.200.1.20"), 22));
        assertFalse(allow.permits(ip("10.200.1.20"), 23));
        assertFalse(allow.permits(ip("11.0.0.1"), 22));
        assertTrue(allow.permits(ip("192.168.1.7"), 1));
        assertFalse(allow.permits(ip("192.168.1.8"), 1));
        assertTrue(allow.permits(ip("fd12::1"), 443));
        assertFalse(allow.permits(ip("fd12::1"), 444));
        assertFalse(allow.permits(ip("fe80::1"), 80));
        assertTrue(allow.permits(ip("2001:db8:ffff::1"), 65535));
        assertTrue(allow.permits(ip("8.8.8.8"), 53));
        assertFalse(allow.permits(ip("8.8.8.8"), 54));
        // An IPv4-mapped IPv6 address is the IPv4 address (Java makes it one).
        assertTrue(allow.permits(ip("::ffff:10.1.2.3"), 22));
        // A v6 rule never matches a v4 address of the same bytes' length, or the other way round.
        assertFalse(Allowlist.parse("::/0").permits(ip("1.2.3.4"), 80));
        assertFalse(Allowlist.parse("0.0.0.0/0").permits(ip("::1"), 80));
    }

    @Test
    void prefixesThatAreNotOnAByteBoundary() throws Exception {
        Allowlist allow = Allowlist.parse("172.16.0.0/12,fd00:200::/23");
        assertTrue(allow.permits(ip("172.31.255.255"), 1));
        assertFalse(allow.permits(ip("172.32.0.0"), 1));
        assertTrue(allow.permits(ip("fd00:3ff::1"), 1));
        assertFalse(allow.permits(ip("fd00:400::1"), 1));
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }
}
