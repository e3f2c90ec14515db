/**
 * What the user asked for, as plain immutable values: endpoints, protocol, the relay spec and the
 * defaults. Nothing here knows about Netty.
 */
package portforward.endpoint;
