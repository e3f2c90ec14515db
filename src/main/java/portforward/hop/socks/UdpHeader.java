package portforward.hop.socks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The header before each datagram of a UDP association (RFC 1928, section 7), which Netty's codec
 * lacks: RSV (2 bytes), FRAG, ATYP, DST.ADDR, DST.PORT, then the data.
 */
final class UdpHeader {
    private static final int IPV4 = 1;
    private static final int DOMAIN = 3;
    private static final int IPV6 = 4;

    private UdpHeader() {
    }

    /** A datagram from the client: where it goes, its FRAG byte, and its data (a slice of the packet). */
    record Parsed(String host, int port, int frag, ByteBuf data) {
    }

    /** Reads the header; a datagram too short for the header it announces is malformed. */
    static Parsed parse(ByteBuf in) throws MalformedException {
        if (in.readableBytes() < 4) {
            throw new MalformedException("shorter than a header");
        }
        int at = in.readerIndex();
        int frag = in.getUnsignedByte(at + 2);
        int type = in.getUnsignedByte(at + 3);
        at += 4;
        String host;
        switch (type) {
            case IPV4, IPV6 -> {
                byte[] address = new byte[type == IPV4 ? 4 : 16];
                need(in, at, address.length + 2);
                in.getBytes(at, address);
                at += address.length;
                try {
                    host = InetAddress.getByAddress(address).getHostAddress();
                } catch (UnknownHostException e) {
                    throw new MalformedException("bad address");
                }
            }
            case DOMAIN -> {
                need(in, at, 1);
                int length = in.getUnsignedByte(at++);
                need(in, at, length + 2);
                host = in.toString(at, length, StandardCharsets.US_ASCII);
                at += length;
                if (host.isEmpty()) {
                    throw new MalformedException("an empty host name");
                }
            }
            default -> throw new MalformedException("address type " + type);
        }
        int port = in.getUnsignedShort(at);
        at += 2;
        return new Parsed(host, port, frag, in.slice(at, in.writerIndex() - at));
    }

    private static void need(ByteBuf in, int at, int bytes) throws MalformedException {
        if (in.writerIndex() - at < bytes) {
            throw new MalformedException("truncated header");
        }
    }

    /** A datagram for the client: the header naming {@code from}, then {@code data}. */
    static ByteBuf wrap(ByteBufAllocator alloc, InetSocketAddress from, ByteBuf data) {
        byte[] address = from.getAddress().getAddress();
        ByteBuf out = alloc.buffer(4 + address.length + 2 + data.readableBytes());
        out.writeShort(0).writeByte(0).writeByte(from.getAddress() instanceof Inet4Address ? IPV4 : IPV6);
        out.writeBytes(address).writeShort(from.getPort()).writeBytes(data, data.readerIndex(), data.readableBytes());
        return out;
    }

    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }
}
