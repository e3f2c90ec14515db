/**
 * TCP in three modes: listen-conn, listen-listen (the rendezvous relay) and conn-conn (the agent).
 * Every mode ends in a {@link portforward.forward.tcp.Link}: two channels on one event loop, one
 * handler per direction, half-close carried: a {@link portforward.forward.tcp.SpliceRelay} when
 * the kernel can join the two sockets (epoll), else a copying {@link portforward.forward.tcp.Relay}.
 */
package portforward.forward.tcp;
