package portforward.hop.socks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static portforward.hop.socks.SocksClient.connect;
import static portforward.hop.socks.SocksClient.greeting;
import static portforward.hop.socks.SocksClient.socks4;
import static portforward.hop.socks.SocksClient.trickle;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import portforward.support.LeakCheck;
import portforward.support.LogCapture;
import portforward.support.Sockets;
import portforward.support.TcpServer;
import portforward.support.TestRelay;
import portforward.transport.Transport;

/**
 * Whatever a client gets wrong in its handshake (not SOCKS at all, a malformed or oversized field,
 * a cut at any byte, a stall), the connection closes with a log line and nothing else is sent.
 */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class SocksMalformedTest {

    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void malformedGreetingsAndRequestsFedByteByByte(Transport transport) throws Exception {
        byte[] longField = new byte[300];
        Arrays.fill(longField, (byte) 'a');
        byte[][] afterNoGreeting = {
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            concat(new byte[] {4, 1, 0, 80, 127, 0, 0, 1}, longField), // SOCKS4 user id past 255 bytes
            concat(new byte[] {4, 1, 0, 80, 0, 0, 0, 1, 'u', 0}, longField), // SOCKS4a host name past 255 bytes
        };
        byte[][] afterGreeting = {
            {4, 1, 0, 1, 127, 0, 0, 1, 0, 80}, // a request of the wrong version
            {5, 1, 0, 9, 127, 0, 0, 1, 0, 80}, // an address type that does not exist
        };
        try (LogCapture log = new LogCapture(); TestRelay relay = SocksConnectTest.socks(transport)) {
            for (byte[] bad : afterNoGreeting) {
                try (Socket client = Sockets.connect(relay.port())) {
                    trickleUntilClosed(client, bad);
                    assertClosedWithNothingMore(client);
                    log.await("socks client 127.0.0.1:" + client.getLocalPort() + " ");
                }
            }
            for (byte[] bad : afterGreeting) {
                try (Socket client = SocksClient.open(relay.port())) {
                    trickleUntilClosed(client, bad);
                    assertClosedWithNothingMore(client);
                    log.await("socks client 127.0.0.1:" + client.getLocalPort() + " sent a malformed");
                }
            }
        }
    }

    /** Every proper prefix of a SOCKS5 and a SOCKS4a handshake, then the client's FIN. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void truncatedAtEveryByte(Transport transport) throws Exception {
        try (TcpServer target = TcpServer.echo(); LogCapture log = new LogCapture();
                TestRelay relay = SocksConnectTest.socks(transport)) {
            byte[] greeting = greeting(1, 0);
            byte[] five = concat(greeting, connect(SocksConnectTest.NAME, target.port()));
            byte[] four = socks4(1, SocksConnectTest.NAME, target.port());
            for (byte[] whole : List.of(five, four)) {
                for (int cut = 1; cut < whole.length; cut++) {
                    try (Socket client = Sockets.connect(relay.port())) {
                        trickle(client, Arrays.copyOf(whole, cut));
                        client.shutdownOutput();
                        byte[] expected = whole == five && cut >= greeting.length ? new byte[] {5, 0} : new byte[0];
                        assertArrayEquals(expected, Sockets.readToEnd(client), "cut at " + cut);
                        log.await("socks client 127.0.0.1:" + client.getLocalPort() + " ");
                    }
                }
            }
            try (Socket client = Sockets.connect(relay.port())) {
                trickle(client, five);
                assertEquals(0, SocksClient.reply(client).code(), "and whole, it goes through");
            }
        }
    }

    /** What a client names goes into log lines printable, so it cannot forge a line of its own. */
    @ParameterizedTest
    @MethodSource("portforward.support.Transports#all")
    void aNameWithControlCharactersCannotForgeALogLine(Transport transport) throws Exception {
        try (LogCapture log = new LogCapture(); TestRelay relay = SocksConnectTest.socks(transport);
                Socket client = SocksClient.open(relay.port())) {
            SocksClient.send(client, connect("evil\n2026-01-01 INFO forged", 80));
            assertEquals(4, SocksClient.reply(client).code(), "host unreachable: no such name");
            String line = log.await("evil?2026-01-01 INFO forged:80, which does not resolve");
            assertFalse(line.contains("\n"), line);
        }
    }

    /** A client that stops mid-handshake is dropped when the handshake's time is up; no clock is waited on. */
    @Test
    void aStalledHandshakeIsClosedWhenItsTimeIsUp() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast("holding", new ChannelInboundHandlerAdapter());
        Future<SocksRequest> ready = SocksLayer.serve(channel.pipeline().context("holding"), SocksSettings.OPEN, false,
                List.of(Unpooled.wrappedBuffer(new byte[] {5, 1})), SocksLayer.LOG);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0}));
        ByteBuf choice = channel.readOutbound();
        assertArrayEquals(new byte[] {5, 0}, ByteBufUtil.getBytes(choice));
        choice.release();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {5, 1, 0}));
        channel.advanceTimeBy(SocksLayer.HANDSHAKE_TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "still in time");
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen(), "closed when the time is up");
        assertTrue(ready.cause().getMessage().contains("stalled"), ready.cause().getMessage());
        for (ByteBuf more; (more = channel.readOutbound()) != null; more.release()) {
            assertEquals(0, more.readableBytes(), "nothing more was sent");
        }
        channel.finishAndReleaseAll();
    }

    private static void trickleUntilClosed(Socket client, byte[] bytes) {
        try {
            trickle(client, bytes);
        } catch (IOException closedAlready) {
            // the relay may close before the last byte: that is the point
        }
    }

    /** EOF, or a reset where bytes were still unread when the relay closed; never a byte. */
    private static void assertClosedWithNothingMore(Socket client) throws IOException {
        try {
            assertEquals(-1, client.getInputStream().read(), "nothing more");
        } catch (SocketException reset) {
            assertTrue(String.valueOf(reset.getMessage()).toLowerCase().contains("reset"), reset.toString());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
