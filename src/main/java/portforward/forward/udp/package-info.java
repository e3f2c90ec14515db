/**
 * UDP in three modes: listen-conn, listen-listen (the rendezvous relay) and conn-conn (the agent).
 * Each keeps a bounded {@link portforward.forward.udp.UdpSessionTable} keyed by where a client's
 * datagrams come from; a session ends after --udp-timeout without traffic either way. A lone 0x00
 * datagram from a session not yet carrying data is a {@link portforward.forward.udp.Knock}.
 */
package portforward.forward.udp;
