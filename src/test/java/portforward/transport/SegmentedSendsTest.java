package portforward.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import portforward.support.LeakCheck;

@ExtendWith(LeakCheck.class)
@Timeout(30)
class SegmentedSendsTest {

    /**
     * A segmented send the kernel refuses (here: more bytes than one packet holds) is sent again
     * datagram by datagram, and nothing is lost; later runs go one by one from the start.
     */
    @Test
    void aRefusedSegmentedSendGoesAgainOneDatagramAtATime() throws Exception {
        Transport epoll = Transport.epollAvailable() ? Transport.epoll() : Transport.nio();
        assumeTrue(epoll.canSegmentDatagrams(), "no UDP_SEGMENT here");
        EventLoopGroup group = epoll.newGroup(1);
        try (DatagramSocket target = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            target.setSoTimeout(5000);
            target.setReceiveBufferSize(1 << 20);
            Channel channel = new Bootstrap().group(group).channel(epoll.datagramChannel())
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(target.getLocalSocketAddress()).sync().channel();
            SegmentedSends sends = new SegmentedSends(200_000);
            channel.pipeline().addFirst(sends);
            int datagrams = 60;
            for (int round = 0; round < 2; round++) {
                int first = round * datagrams;
                channel.eventLoop().submit(() -> {
                    for (int i = first; i < first + datagrams; i++) {
                        ByteBuf datagram = channel.alloc().directBuffer(1400);
                        datagram.writeBytes(bytes(i));
                        channel.write(datagram, channel.voidPromise());
                    }
                    channel.flush();
                }).sync();
                byte[] buffer = new byte[65536];
                for (int i = first; i < first + datagrams; i++) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    target.receive(packet);
                    assertEquals(1400, packet.getLength());
                    assertArrayEquals(bytes(i), Arrays.copyOf(buffer, 1400), "datagram " + i);
                }
            }
            assertTrue(channel.eventLoop().submit(sends::failed).get(), "no segmented send failed");
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).sync();
        }
    }

    private static byte[] bytes(int i) {
        byte[] data = new byte[1400];
        Arrays.fill(data, (byte) i);
        return data;
    }
}
