/**
 * The relay modes. {@link portforward.forward.Forwarders} picks one from the protocol and the two
 * endpoints' roles; the modes only wire handlers together, and count what they do in
 * {@link portforward.forward.RelayStats}.
 */
package portforward.forward;
