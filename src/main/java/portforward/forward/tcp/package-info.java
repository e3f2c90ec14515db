/**
 * TCP in three modes: listen-conn, listen-listen (the rendezvous relay) and conn-conn (the agent).
 * Every mode ends in a {@link portforward.forward.tcp.Link}: two channels on one event loop, a
 * {@link portforward.forward.tcp.Relay} handler per direction, half-close carried.
 */
package portforward.forward.tcp;
