package portforward.hop.secure;

/**
 * A secure hop whose peer has proved the secret. {@code agentLink}: the initiator is an agent's
 * pooled link, which waits for OPEN before it dials its target.
 */
public record HopReady(boolean agentLink) {
}
