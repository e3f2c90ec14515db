/**
 * The secure hop: a Noise_NNpsk0 handshake and AES-GCM records between two portforward processes
 * that hold the same secret. {@link portforward.hop.secure.SecureHop} installs it on a channel and
 * answers with a future that completes once the peer has proved the secret; from then on the
 * channel carries plaintext ByteBufs above the layer, with half-close, reset and OPEN as records.
 */
package portforward.hop.secure;
