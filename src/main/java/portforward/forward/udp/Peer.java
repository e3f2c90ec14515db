package portforward.forward.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import portforward.hop.secure.udp.DatagramDrop;
import portforward.hop.secure.udp.SecureDatagramListener;
import portforward.hop.secure.udp.SecureDatagramSocket;

/**
 * Where datagrams for one side of a session go: a client reached through a shared listener
 * (each datagram addressed to it), or the far end of a socket connected to it.
 */
record Peer(Channel channel, InetSocketAddress address, boolean addressed, int largest) {

    /** A client that is answered through {@code listener}. */
    static Peer behind(Channel listener, InetSocketAddress client) {
        return new Peer(listener, client, true, largest(listener));
    }

    /** The far end of {@code channel}, a connected socket. */
    static Peer connected(Channel channel) {
        return new Peer(channel, (InetSocketAddress) channel.remoteAddress(), false, largest(channel));
    }

    /** The largest datagram the socket carries: less over a secure hop, which seals each one. */
    private static int largest(Channel channel) {
        boolean sealed = channel.pipeline().get(SecureDatagramListener.class) != null
                || channel.pipeline().get(SecureDatagramSocket.class) != null;
        return sealed ? DatagramDrop.MAX_PAYLOAD : Integer.MAX_VALUE;
    }

    /**
     * Sends {@code datagram} and takes it. A socket past its write watermark gets nothing more:
     * the datagram is released and false returned, so nothing queues without bound.
     */
    boolean send(ByteBuf datagram) {
        if (!channel.isWritable()) {
            datagram.release();
            return false;
        }
        channel.writeAndFlush(addressed ? new DatagramPacket(datagram, address) : datagram, channel.voidPromise());
        return true;
    }
}
