package portforward.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CopiesTest {

    @Test
    void appendsExactlyTheReadableBytesBetweenAnyKindsOfBuffer() {
        ByteBufAllocator shared = Transport.nio().datagramAllocator();
        List<IntFunction<ByteBuf>> kinds = List.of(shared::directBuffer, shared::heapBuffer,
                Unpooled::directBuffer, Unpooled::buffer);
        Random random = new Random(3);
        for (IntFunction<ByteBuf> fromKind : kinds) {
            for (IntFunction<ByteBuf> toKind : kinds) {
                byte[] data = new byte[1 + random.nextInt(9000)];
                random.nextBytes(data);
                ByteBuf from = fromKind.apply(data.length + 10);
                ByteBuf to = toKind.apply(data.length + 3);
                try {
                    from.writeBytes(new byte[7]).writeBytes(data).skipBytes(7);
                    to.writeBytes(new byte[3]);
                    Copies.appendReadable(from, to);
                    assertEquals(7, from.readerIndex(), "the source is not moved");
                    assertEquals(Unpooled.wrappedBuffer(new byte[3], data), to);
                } finally {
                    from.release();
                    to.release();
                }
            }
        }
    }
}
