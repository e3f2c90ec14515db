/**
 * The Prometheus endpoint of {@code --metrics}: the JDK's HTTP server answers {@code /metrics} with
 * the text exposition format, read from each forward's {@link portforward.forward.RelayStats} at
 * scrape time, so the data path only ever adds to LongAdders.
 */
package portforward.metrics;
