/**
 * Event loops, channel classes and native tuning, behind {@link portforward.transport.Transport}
 * with an epoll and a NIO implementation. Nothing outside this package imports io.netty.channel.epoll
 * or Netty internals; each workaround names the Netty version it was written for and has a test
 * that fails without it.
 */
package portforward.transport;
