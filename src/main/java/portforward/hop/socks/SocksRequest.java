package portforward.hop.socks;

import java.net.InetSocketAddress;
import portforward.endpoint.Endpoint;
import portforward.endpoint.Role;

/**
 * What a SOCKS client asked for, once the layer has accepted it: the target as the client named it,
 * and the address it resolved to here (checked against --allow), which is what gets dialled. The
 * mode answers with {@link #connected} or {@link #failed}.
 */
public final class SocksRequest {
    private final SocksHandshake handshake;
    private final String asked;
    private final InetSocketAddress address;
    private final boolean association;

    SocksRequest(SocksHandshake handshake, String asked, InetSocketAddress address, boolean association) {
        this.handshake = handshake;
        this.asked = asked;
        this.address = address;
        this.association = association;
    }

    /** As a log line shows it; what a client sent is shown printable, so it cannot forge a line of its own. */
    static String hostAndPort(String host, int port) {
        return (host.contains(":") ? "[" + printable(host) + "]" : printable(host)) + ":" + port;
    }

    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : "?"));
        return out.toString();
    }

    /** The target as the client named it: "example.com:443", "[::1]:22". */
    public String asked() {
        return asked;
    }

    /** A UDP ASSOCIATE; {@link #address} is where the client says it will send from (often 0.0.0.0:0). */
    public boolean isAssociation() {
        return association;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The resolved target as a conn endpoint, to dial without another lookup. */
    public Endpoint target() {
        return new Endpoint(Role.CONN, address.getAddress().getHostAddress(), address.getPort());
    }

    /** The target is connected, from {@code bound}: the success reply goes out and the layer leaves. */
    public void connected(InetSocketAddress bound) {
        handshake.succeeded(bound);
    }

    /** The target could not be reached: the matching reply goes out, then the connection closes. */
    public void failed(Throwable cause) {
        handshake.failed(cause);
    }
}
