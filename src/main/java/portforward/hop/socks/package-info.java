/**
 * The socks endpoint: a SOCKS4, 4a and 5 server that runs as a layer on an inbound connection and
 * completes a future with the target its client asked for; the mode then dials it and joins the link.
 * Also the rules on who may use it (--socks-auth) and where it may go (--allow), and UDP ASSOCIATE.
 */
package portforward.hop.socks;
