/**
 * The PROXY protocol (haproxy's proxy-protocol.txt, v1 text and v2 binary), through Netty's
 * netty-codec-haproxy: {@code listen+pp} reads the header a load balancer puts before its client's
 * bytes, and {@code conn+pp1}/{@code conn+pp2} write one before the first byte to the target.
 */
package portforward.hop.proxy;
