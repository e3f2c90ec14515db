/**
 * The hop layers between two portforward processes: what one relay says to another before and
 * around the bytes it forwards. The shared secret lives here; each layer kind gets its own package.
 */
package portforward.hop;
