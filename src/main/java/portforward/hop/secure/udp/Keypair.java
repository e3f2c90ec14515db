package portforward.hop.secure.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Optional;
import portforward.hop.noise.CipherState;

/**
 * The keys one handshake gave one end: a sending key with its counter, a receiving key with its
 * replay window, and the two indices that name this pair on the wire (ours is what the peer
 * writes as the receiver; theirs is what we write). Confined to the flow's event loop.
 */
final class Keypair {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
    /** Counters from 2^63 on are never used: the window compares them as signed numbers. */
    private static final long LAST_COUNTER = Long.MAX_VALUE - 1;

    final int localIndex;
    final int remoteIndex;
    private final CipherState send;
    private final CipherState receive;
    private final ReplayWindow window = new ReplayWindow();
    private final long bornNanos = System.nanoTime();

    Keypair(int localIndex, int remoteIndex, CipherState send, CipherState receive) {
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.send = send;
        this.receive = receive;
    }

    long ageNanos() {
        return System.nanoTime() - bornNanos;
    }

    /** The most counters either direction has used. */
    long used() {
        return Math.max(send.nonce(), window.highest() + 1);
    }

    /** The sealed DATA datagram for {@code plaintext} (not taken), or empty once the counters are spent. */
    Optional<ByteBuf> seal(ByteBufAllocator alloc, ByteBuf plaintext) throws GeneralSecurityException {
        long counter = send.nonce();
        if (counter >= LAST_COUNTER) {
            return Optional.empty();
        }
        int n = plaintext.readableBytes();
        int length = DatagramWire.OVERHEAD + n;
        ByteBuf out = alloc.heapBuffer(length, length);
        try {
            out.writeByte(DatagramWire.DATA).writeInt(remoteIndex).writeLong(counter).writeBytes(plaintext);
            // Sealed in place, on the heap: the JDK's AES-GCM works on arrays; given direct buffers it
            // copies through its own, which took about 1.5 times as long per 1400-byte datagram here.
            send.encrypt(out.nioBuffer(0, DatagramWire.HEADER), NOTHING, out.nioBuffer(DatagramWire.HEADER, n),
                    out.nioBuffer(DatagramWire.HEADER, length - DatagramWire.HEADER));
            out.writerIndex(length);
            return Optional.of(out);
        } catch (GeneralSecurityException | RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * The plaintext of {@code datagram} (a DATA datagram naming this pair; not taken), or empty if
     * its counter was taken already, is too old, or it does not authenticate.
     */
    Optional<ByteBuf> open(ByteBufAllocator alloc, ByteBuf datagram) {
        int at = datagram.readerIndex();
        long counter = datagram.getLong(at + 1 + DatagramWire.INDEX);
        if (!window.mayTake(counter)) {
            return Optional.empty();
        }
        int n = datagram.readableBytes() - DatagramWire.OVERHEAD;
        ByteBuf out = n == 0 ? Unpooled.EMPTY_BUFFER : alloc.heapBuffer(n, n);
        // On the heap, as for sealing; received datagrams are direct, so this costs one copy.
        ByteBuf in = datagram.hasArray() ? datagram.retainedSlice() : alloc.heapBuffer(datagram.readableBytes())
                .writeBytes(datagram, at, datagram.readableBytes());
        try {
            receive.setNonce(counter);
            receive.decrypt(in.nioBuffer(in.readerIndex(), DatagramWire.HEADER),
                    in.nioBuffer(in.readerIndex() + DatagramWire.HEADER, n + CipherState.TAG_LENGTH),
                    n == 0 ? ByteBuffer.allocate(0) : out.nioBuffer(0, n));
        } catch (GeneralSecurityException | RuntimeException e) {
            out.release();
            return Optional.empty();
        } finally {
            in.release();
        }
        out.writerIndex(n);
        window.take(counter);
        return Optional.of(out);
    }
}
