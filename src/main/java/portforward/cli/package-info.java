/**
 * The command line: jopt-simple parsing into an immutable RelaySpec, logging set-up, and the
 * testable entry point {@code Main.run}. Bad input exits 2, a failed start 1.
 */
package portforward.cli;
