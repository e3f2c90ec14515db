package portforward.cli;

import portforward.endpoint.BadInputException;
import portforward.endpoint.Endpoint;
import portforward.endpoint.Layer;
import portforward.endpoint.Protocol;

/**
 * Where the PROXY protocol layers mean something: {@code listen+pp} on the listener of a tcp
 * listen-conn forward, {@code conn+pp1}/{@code conn+pp2} on the target a link is dialled to (the
 * conn of listen-conn, or SOCK2 of an agent). UDP is left out: the specification's v2 has DGRAM
 * address families but no receiver we could test against, and v1 has none (see the README).
 */
final class LayerChecks {
    private LayerChecks() {
    }

    static void proxyProtocol(Protocol protocol, Endpoint first, Endpoint second) throws BadInputException {
        for (Endpoint e : new Endpoint[] {first, second}) {
            boolean in = e.layers().contains(Layer.PROXY_IN);
            boolean out = e.sendsProxyHeader();
            if (!in && !out) {
                continue;
            }
            if (protocol == Protocol.UDP) {
                throw new BadInputException("'" + e + "': the PROXY protocol is for tcp here (udp is not built;"
                        + " see the README's \"Access and client addresses\")");
            }
            if (e.isSecure()) {
                throw new BadInputException("'" + e + "': +s and a PROXY protocol layer exclude each other (the secure"
                        + " hop carries the client's address itself; put +pp on the plain end)");
            }
            if (in && !e.isListen()) {
                throw new BadInputException("'" + e + "': +pp reads a header and is for listen; to send one, write"
                        + " conn+pp1 or conn+pp2");
            }
            if (out && e.isListen()) {
                throw new BadInputException("'" + e + "': +pp1 and +pp2 send a header and are for conn; to read one,"
                        + " write listen+pp");
            }
            if (e.layers().contains(Layer.PROXY_V1) && e.layers().contains(Layer.PROXY_V2)) {
                throw new BadInputException("'" + e + "': choose one of +pp1 and +pp2");
            }
        }
        boolean listenConn = first.isListen() != second.isListen();
        boolean connConn = !first.isListen() && !second.isListen();
        if (first.layers().contains(Layer.PROXY_IN) || second.layers().contains(Layer.PROXY_IN)) {
            if (!listenConn) {
                throw new BadInputException("listen+pp is for a tcp listen-conn forward (its clients come through a"
                        + " load balancer); in listen-listen neither side is the client");
            }
        }
        if (first.sendsProxyHeader() && connConn) {
            throw new BadInputException("'" + first + "': in conn-conn SOCK1 is the relay the agent keeps connections to;"
                    + " put +pp1 or +pp2 on SOCK2, the target");
        }
    }
}
