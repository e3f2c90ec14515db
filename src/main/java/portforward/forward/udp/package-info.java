/**
 * UDP in three modes, built on a session table keyed by the client's address.
 */
package portforward.forward.udp;
