/**
 * The Noise Protocol Framework state machines (NN and NNpsk0 with 25519, AESGCM, SHA256) on the
 * JDK's own primitives. No Netty and no I/O here: the hop handlers feed bytes in and take bytes
 * and {@link portforward.hop.noise.CipherState}s out.
 */
package portforward.hop.noise;
