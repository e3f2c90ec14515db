/**
 * Event loops, channel classes and native tuning. Nothing outside this package imports
 * io.netty.channel.epoll; every native path has a NIO fallback.
 */
package portforward.transport;
