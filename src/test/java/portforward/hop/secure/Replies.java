package portforward.hop.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.HexFormat;
import java.util.function.LongSupplier;
import portforward.forward.tcp.TcpListenConnect;
import portforward.forward.tcp.TcpListenListen;
import portforward.support.Counters;
import portforward.support.TestRelay;

/** What a peer got back from a secure hop, and the counters a test waits on. */
final class Replies {
    /** Long enough for the 5 s handshake limit to end a connection by itself, with room to spare. */
    static final int CLOSE_TIMEOUT_MS = Counters.TIMEOUT_MS;

    private Replies() {
    }

    /** Every byte {@code s} receives until the other end closes it (EOF or reset); fails if it never does. */
    static byte[] untilClosed(Socket s) throws IOException {
        if (s.isClosed()) {
            return new byte[0]; // reset before connect() returned: nothing came
        }
        s.setSoTimeout(CLOSE_TIMEOUT_MS);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail("the connection was still open after " + CLOSE_TIMEOUT_MS + " ms, having received "
                    + got.size() + " bytes");
        } catch (SocketException e) {
            // a reset ends it as well as a FIN does
        }
        return got.toByteArray();
    }

    /** The responder gave {@code s} nothing at all, and closed it. */
    static void assertNothing(Socket s, String what) throws IOException {
        byte[] got = untilClosed(s);
        assertEquals("", HexFormat.of().formatHex(got), what + ": bytes written to a stranger");
    }

    /** Writes, where the other end may already have reset the connection: that is its right. */
    static void sendQuietly(Socket s, byte[] bytes) {
        try {
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
        } catch (IOException e) {
            // refused already; the test looks at what came back
        }
    }

    static void shutdownQuietly(Socket s) {
        try {
            s.shutdownOutput();
        } catch (IOException e) {
            // reset already
        }
    }

    /** The relay's only listen+s endpoint's counters. */
    static Strangers strangers(TestRelay relay) {
        if (relay.forwarder() instanceof TcpListenConnect forward) {
            return forward.strangers().orElseThrow();
        }
        TcpListenListen rendezvous = (TcpListenListen) relay.forwarder();
        return rendezvous.strangers(1).or(() -> rendezvous.strangers(0)).orElseThrow();
    }

    /** The relay's listen+s endpoint refused at least {@code count} strangers and accepted none. */
    static void assertOnlyRefused(TestRelay relay, long count) {
        Strangers strangers = strangers(relay);
        awaitAtLeast(strangers::refused, count, "refused");
        assertEquals(0, strangers.accepted(), "accepted");
    }

    /** Waits until {@code counter} reaches {@code atLeast}; counters have no event to wait on. */
    static void awaitAtLeast(LongSupplier counter, long atLeast, String what) {
        Counters.awaitAtLeast(counter, atLeast, what);
    }
}
