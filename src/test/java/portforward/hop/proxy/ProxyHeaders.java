package portforward.hop.proxy;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import portforward.support.Sockets;

/** What a target received, split by Netty's own decoder into the PROXY header and the bytes after it. */
record ProxyHeaders(HAProxyProtocolVersion version, String source, int sourcePort, String destination,
        int destinationPort, String after) {

    /** Reads {@code target} to its end and decodes it. */
    static ProxyHeaders readFrom(Socket target) throws Exception {
        return decode(Sockets.readToEnd(target));
    }

    static ProxyHeaders decode(byte[] bytes) {
        EmbeddedChannel decoder = new EmbeddedChannel(new HAProxyMessageDecoder());
        try {
            decoder.writeInbound(Unpooled.wrappedBuffer(bytes));
            HAProxyMessage header = decoder.readInbound();
            assertNotNull(header, "no PROXY header in " + new String(bytes, StandardCharsets.ISO_8859_1));
            StringBuilder after = new StringBuilder();
            for (ByteBuf rest = decoder.readInbound(); rest != null; rest = decoder.readInbound()) {
                after.append(rest.toString(StandardCharsets.UTF_8));
                rest.release();
            }
            try {
                return new ProxyHeaders(header.protocolVersion(), header.sourceAddress(), header.sourcePort(),
                        header.destinationAddress(), header.destinationPort(), after.toString());
            } finally {
                header.release();
            }
        } finally {
            decoder.finishAndReleaseAll();
        }
    }

    /** A header as a load balancer would write it, by Netty's encoder. */
    static byte[] encode(HAProxyProtocolVersion version, InetSocketAddress from, InetSocketAddress to) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        try {
            encoder.writeOutbound(ProxyHeaderWriter.message(version, from, to));
            ByteBuf out = encoder.readOutbound();
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            out.release();
            return bytes;
        } finally {
            encoder.finishAndReleaseAll();
        }
    }
}
