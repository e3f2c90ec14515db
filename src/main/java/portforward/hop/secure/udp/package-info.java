/**
 * The secure hop for UDP: the TCP hop's Noise_NNpsk0 handshake carried in datagrams, then each
 * datagram sealed alone with an explicit counter and a sliding replay window. It sits in a datagram
 * socket's pipeline, so the UDP modes see only plaintext from peers that proved the secret.
 */
package portforward.hop.secure.udp;
