package portforward.forward.udp;

import io.netty.buffer.ByteBuf;
import portforward.forward.RelayStats;
import portforward.forward.Show;

/** What a session carried each way and what it dropped, for its closing line. Loop-confined. */
final class Traffic {
    private long datagramsToB;
    private long bytesToB;
    private long datagramsToA;
    private long bytesToA;
    private final DropCounts dropped = new DropCounts();

    /** Sends {@code datagram} (taken) to {@code to}, side B or A, and counts it as carried or dropped. */
    void send(ByteBuf datagram, Peer to, boolean toB, DropReport drops) {
        int bytes = datagram.readableBytes();
        if (bytes > to.largest()) {
            datagram.release();
            dropped(DropReport.Reason.TOO_LARGE, 1, drops);
        } else if (to.send(datagram)) {
            carried(toB, bytes);
        } else {
            dropped(DropReport.Reason.BACKLOGGED, 1, drops);
        }
    }

    private void carried(boolean toB, int bytes) {
        if (toB) {
            datagramsToB++;
            bytesToB += bytes;
        } else {
            datagramsToA++;
            bytesToA += bytes;
        }
    }

    /** Adds what was carried to the relay's totals as the flow ends ({@code B} is the target's side). */
    void closed(RelayStats stats, RelayStats.SessionEnd why) {
        stats.sessionClosed(why, bytesToB, bytesToA);
    }

    /** Counts {@code datagrams} not forwarded, here and (unless they are knocks) in the warning. */
    void dropped(DropReport.Reason reason, long datagrams, DropReport drops) {
        dropped.add(reason, datagrams);
        drops.count(reason, datagrams);
    }

    void droppedBefore(DropCounts earlier) {
        dropped.addAll(earlier);
    }

    DropCounts dropped() {
        return dropped;
    }

    /** "3 datagrams (120 B) to b, 1 datagram (80 B) to a, 1 dropped (1 knock)". */
    String describe(String a, String b) {
        return datagrams(datagramsToB) + " (" + Show.exactBytes(bytesToB) + ") to " + b + ", "
                + datagrams(datagramsToA) + " (" + Show.exactBytes(bytesToA) + ") to " + a + ", "
                + dropped.describe();
    }

    /** The fields of a session_close event, with a as the client and b as the target. */
    java.util.Map<String, Object> fields(long id, String a, String b, long nanos, String reason) {
        return java.util.Map.of("session", id, "client", a, "target", b, "bytes_to_target", bytesToB,
                "bytes_to_client", bytesToA, "duration_s", nanos / 1e9, "reason", reason);
    }

    static String datagrams(long n) {
        return n + (n == 1 ? " datagram" : " datagrams");
    }
}
