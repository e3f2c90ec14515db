package portforward.hop.socks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.socksx.SocksMessage;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandType;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import portforward.forward.Show;
import portforward.hop.secure.SecureHop;

/**
 * The SOCKS conversation up to the request: the greeting, the password (RFC 1929) if asked for,
 * and the request, which is checked against --allow and then handed to the mode. Netty's codec
 * reads and writes the messages; this handler swaps its decoders as the conversation moves on.
 */
final class SocksHandshake extends ChannelInboundHandlerAdapter {
    static final Logger LOG = Logger.getLogger("portforward.socks");

    private final Logger log;

    private enum Stage { TALKING, ANSWERING }

    private final SocksSettings settings;
    private final boolean udp;
    private final Promise<SocksRequest> ready;
    private final Duration timeout;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> stall;
    private Stage stage = Stage.TALKING;
    private boolean socks4;

    SocksHandshake(SocksSettings settings, boolean udp, Promise<SocksRequest> ready, Duration timeout, Logger log) {
        this.log = log;
        this.settings = settings;
        this.udp = udp;
        this.ready = ready;
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        stall = ctx.executor().schedule(() -> fail("stalled in its handshake for " + timeout.toSeconds() + " s"),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (stage == Stage.ANSWERING && msg instanceof ByteBuf) {
            ctx.fireChannelRead(msg); // sent ahead of our answer: held for the link
            return;
        }
        try {
            if (stage == Stage.ANSWERING || ready.isDone()) {
                return;
            }
            if (msg instanceof SocksMessage m && m.decoderResult().isFailure()) {
                fail("sent a malformed " + m.getClass().getSimpleName().replace("Default", "")
                        + " (" + Show.cause(m.decoderResult().cause()) + ")");
            } else if (msg instanceof Socks5InitialRequest greeting) {
                greeting(greeting);
            } else if (msg instanceof Socks5PasswordAuthRequest password) {
                password(password);
            } else if (msg instanceof Socks5CommandRequest request) {
                request5(request);
            } else if (msg instanceof Socks4CommandRequest request) {
                request4(request);
            } else {
                fail("sent " + msg.getClass().getSimpleName() + " in the middle of its handshake");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void greeting(Socks5InitialRequest greeting) {
        Socks5AuthMethod wanted = settings.users().isPresent() ? Socks5AuthMethod.PASSWORD : Socks5AuthMethod.NO_AUTH;
        if (!greeting.authMethods().contains(wanted)) {
            refuse(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED), "offered no acceptable method ("
                    + (settings.users().isPresent() ? "a user name and password are required" : "this server asks for none")
                    + ")");
            return;
        }
        ctx.pipeline().replace(Socks5InitialRequestDecoder.class, SocksLayer.DECODER,
                wanted == Socks5AuthMethod.PASSWORD ? new Socks5PasswordAuthRequestDecoder() : new Socks5CommandRequestDecoder());
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(wanted));
    }

    private void password(Socks5PasswordAuthRequest login) {
        if (!settings.users().orElseThrow().accepts(login.username(), login.password())) {
            refuse(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE),
                    "gave a wrong user name or password (user '" + SocksRequest.printable(login.username()) + "')");
            return;
        }
        ctx.pipeline().replace(SocksLayer.DECODER, SocksLayer.DECODER, new Socks5CommandRequestDecoder());
        ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
    }

    private void request5(Socks5CommandRequest request) {
        String asked = SocksRequest.hostAndPort(request.dstAddr(), request.dstPort());
        if (request.type() == Socks5CommandType.CONNECT) {
            target(request.dstAddr(), request.dstPort(), false);
        } else if (request.type() == Socks5CommandType.UDP_ASSOCIATE && udp) {
            target(request.dstAddr(), request.dstPort(), true);
        } else {
            refuse(Replies.failure(false, Socks5CommandStatus.COMMAND_UNSUPPORTED), "asked for " + request.type() + " " + asked
                    + ", which is not supported " + (request.type() == Socks5CommandType.UDP_ASSOCIATE
                            ? "through a relay (only where socks listens)" : "(CONNECT only)"));
        }
    }

    private void request4(Socks4CommandRequest request) {
        socks4 = true;
        String asked = SocksRequest.hostAndPort(request.dstAddr(), request.dstPort());
        if (settings.users().isPresent()) {
            refuse(Replies.failure(true, Socks5CommandStatus.FAILURE),
                    "spoke SOCKS4, which has no password, where --socks-auth asks for one (use SOCKS5)");
        } else if (request.type() != Socks4CommandType.CONNECT) {
            refuse(Replies.failure(true, Socks5CommandStatus.FAILURE),
                    "asked for " + request.type() + " " + asked + ", which is not supported (CONNECT only)");
        } else {
            target(request.dstAddr(), request.dstPort(), false);
        }
    }

    /**
     * Resolves the target here, where the socks endpoint runs, and checks it against --allow; the
     * address checked is the address dialled.
     */
    private void target(String host, int port, boolean association) {
        stage = Stage.ANSWERING;
        stall.cancel(false);
        String asked = SocksRequest.hostAndPort(host, port);
        Lookups.lookUp(host).whenComplete((address, failed) -> ctx.executor().execute(() -> {
            if (ready.isDone()) {
                return; // the client went away meanwhile
            }
            if (failed != null) {
                refuse(Replies.failure(socks4, Socks5CommandStatus.HOST_UNREACHABLE), "asked for " + asked + ", which does not resolve");
            } else {
                resolved(host, port, address, association, asked);
            }
        }));
    }

    private void resolved(String host, int port, InetAddress address, boolean association, String asked) {
        // An association names where the client will send from; --allow applies to each datagram's target.
        if (!association && (port == 0
                || settings.allow().isPresent() && !settings.allow().get().permits(address, port))) {
            refuse(Replies.failure(socks4, Socks5CommandStatus.FORBIDDEN), "asked for " + asked
                    + (host.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")")
                    + (port == 0 ? ", port 0" : ", which --allow does not permit"));
            return;
        }
        ready.trySuccess(new SocksRequest(this, asked, new InetSocketAddress(address, port), association));
    }

    /** The request went through: tell the client where from, and leave the pipeline. */
    void succeeded(InetSocketAddress bound) {
        ctx.writeAndFlush(Replies.success(socks4, bound));
        SocksLayer.leave(ctx.pipeline());
    }

    /** The target could not be reached: the reply says how, then the connection closes. */
    void failed(Throwable cause) {
        ctx.write(Replies.failure(socks4, Replies.status(cause)));
        end();
    }

    private void refuse(Object reply, String why) {
        log(why);
        ready.tryFailure(new SocksException(why));
        stall.cancel(false);
        ctx.write(reply);
        end();
    }

    /** Ends a handshake that went wrong: a log line, no reply, and the connection closes. */
    void fail(String why) {
        if (ready.isDone()) {
            return;
        }
        log(why);
        ready.tryFailure(new SocksException(why));
        stall.cancel(false);
        end();
    }

    /**
     * Closes once what was written has gone. Over a secure hop (an agent's link) the hop's own end
     * goes first, so that the relay sees the link end rather than a cut.
     */
    private void end() {
        Channel channel = ctx.channel();
        if (SecureHop.isOn(channel) && channel.isActive()) {
            ctx.flush();
            SecureHop.shutdownOutput(channel).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void log(String why) {
        log.info(() -> "socks client " + Show.address(ctx.channel().remoteAddress()) + " " + why + "; closed");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && stage == Stage.TALKING) {
            fail("ended its side before its request was complete");
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (stage == Stage.TALKING) {
            fail("failed in its handshake: " + Show.cause(cause));
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!ready.isDone()) {
            fail(stage == Stage.TALKING ? "went away in its handshake" : "went away before its target was found");
        }
        stall.cancel(false);
        ctx.fireChannelInactive();
    }
}
