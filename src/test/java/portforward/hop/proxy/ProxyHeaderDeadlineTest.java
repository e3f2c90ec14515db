package portforward.hop.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code listen+pp}: a connection whose PROXY header is not complete within
 * {@link ProxyHeaderReader#DEADLINE_SECONDS} is closed and reported, so that a stranger cannot
 * hold a connection open by sending a header slowly or not at all. The channel's clock is moved by
 * hand (Netty's EmbeddedChannel), so nothing waits ten seconds.
 */
@Timeout(30)
class ProxyHeaderDeadlineTest {
    private final List<String> bad = new ArrayList<>();

    @Test
    void aHeaderNotCompleteInTimeClosesTheConnection() {
        EmbeddedChannel channel = withReader();
        channel.writeInbound(ascii("PROXY TCP4 192.0.2.7 "));
        channel.advanceTimeBy(ProxyHeaderReader.DEADLINE_SECONDS - 1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "closed before the deadline");
        assertEquals(List.of(), bad);

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen(), "still open at the deadline");
        assertEquals(List.of("not complete within " + ProxyHeaderReader.DEADLINE_SECONDS + " s"), bad);
        assertNull(channel.readInbound(), "nothing passed on");
        channel.finishAndReleaseAll();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheDeadline() {
        EmbeddedChannel channel = withReader();
        channel.advanceTimeBy(ProxyHeaderReader.DEADLINE_SECONDS, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
        assertEquals(1, bad.size());
        channel.finishAndReleaseAll();
    }

    @Test
    void aCompleteHeaderEndsTheDeadline() {
        EmbeddedChannel channel = withReader();
        channel.writeInbound(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 40000 443\r\nhello"));
        channel.advanceTimeBy(10 * ProxyHeaderReader.DEADLINE_SECONDS, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "closed after its header came in time");
        assertEquals(List.of(), bad);
        ByteBuf after = channel.readInbound();
        try {
            assertEquals("hello", after.toString(StandardCharsets.US_ASCII), "the bytes after the header");
        } finally {
            after.release();
        }
        channel.finishAndReleaseAll();
    }

    private EmbeddedChannel withReader() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new ProxyHeaderReader(client -> true, bad::add));
        channel.pipeline().fireChannelActive();
        return channel;
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
