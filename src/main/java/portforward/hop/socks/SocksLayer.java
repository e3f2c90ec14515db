package portforward.hop.socks;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.socksx.SocksPortUnificationServerHandler;
import io.netty.handler.codec.socksx.SocksVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.Map;

/**
 * Puts a SOCKS server on a connection, in front of the handler that holds its bytes for the link.
 * {@code ready} completes with what the client asked for; if the handshake fails, the layer logs
 * why and closes the connection, and {@code ready} fails. Once the request is answered the layer
 * leaves the pipeline, so the link carries (and may splice) plain bytes.
 */
public final class SocksLayer {
    /** How long a client gets from its first byte to a complete request. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    static final String DETECT = "socks-detect";
    static final String HANDSHAKE = "socks";
    static final String DECODER = "socks-decoder";

    /** The SOCKS layer's base logger; a forward derives its own, which names it, from this one. */
    public static final Logger LOG = SocksHandshake.LOG;

    private SocksLayer() {
    }

    /**
     * Installs the layer before {@code holding}'s handler and hands it {@code early}, the bytes that
     * arrived before it was there (it releases them). {@code udp}: UDP ASSOCIATE is served here,
     * where the client can reach this host's datagram sockets; elsewhere it gets "command not supported".
     */
    public static Future<SocksRequest> serve(ChannelHandlerContext holding, SocksSettings settings, boolean udp,
            List<ByteBuf> early, Logger log) {
        return serve(holding, settings, udp, early, HANDSHAKE_TIMEOUT, log);
    }

    static Future<SocksRequest> serve(ChannelHandlerContext holding, SocksSettings settings, boolean udp,
            List<ByteBuf> early, Duration timeout) {
        return serve(holding, settings, udp, early, timeout, SocksHandshake.LOG);
    }

    /** {@code log}: the forward's own logger, so that its lines name it. */
    static Future<SocksRequest> serve(ChannelHandlerContext holding, SocksSettings settings, boolean udp,
            List<ByteBuf> early, Duration timeout, Logger log) {
        Promise<SocksRequest> ready = holding.executor().newPromise();
        SocksHandshake handshake = new SocksHandshake(settings, udp, ready, timeout, log);
        ChannelPipeline pipeline = holding.pipeline();
        pipeline.addBefore(holding.name(), HANDSHAKE, handshake);
        pipeline.addBefore(HANDSHAKE, DETECT, new Detect(handshake));
        ChannelHandlerContext detect = pipeline.context(DETECT);
        for (ByteBuf buf : early) {
            if (detect.isRemoved() || ready.isDone()) {
                buf.release();
            } else {
                try {
                    ((ChannelInboundHandler) detect.handler()).channelRead(detect, buf);
                } catch (Exception e) {
                    detect.fireExceptionCaught(e);
                }
                detect = firstOf(pipeline);
            }
        }
        return ready;
    }

    /** Where the next early bytes go: the detector, or the decoder that replaced it. */
    private static ChannelHandlerContext firstOf(ChannelPipeline pipeline) {
        ChannelHandlerContext detect = pipeline.context(DETECT);
        if (detect != null) {
            return detect;
        }
        for (Map.Entry<String, ChannelHandler> entry : pipeline) {
            if (isCodec(entry.getValue())) {
                return pipeline.context(entry.getKey());
            }
        }
        return pipeline.context(HANDSHAKE);
    }

    static boolean isCodec(ChannelHandler handler) {
        return handler.getClass().getName().startsWith("io.netty.handler.codec.socksx.");
    }

    /** Takes the codec and the handshake out of the pipeline; the decoder's leftover bytes go on to the link. */
    static void leave(ChannelPipeline pipeline) {
        List<ChannelHandler> ours = new ArrayList<>();
        for (Map.Entry<String, ChannelHandler> entry : pipeline) {
            if (isCodec(entry.getValue()) || entry.getValue() instanceof Detect) {
                ours.add(entry.getValue());
            }
        }
        ours.forEach(pipeline::remove);
        if (pipeline.get(HANDSHAKE) != null) {
            pipeline.remove(HANDSHAKE);
        }
    }

    /** Netty's version sniffer, which says why it closes a connection that is not SOCKS at all. */
    private static final class Detect extends SocksPortUnificationServerHandler {
        private final SocksHandshake handshake;

        Detect(SocksHandshake handshake) {
            this.handshake = handshake;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            if (in.isReadable()) {
                byte version = in.getByte(in.readerIndex());
                if (version != SocksVersion.SOCKS5.byteValue() && version != SocksVersion.SOCKS4a.byteValue()) {
                    in.skipBytes(in.readableBytes());
                    handshake.fail(String.format("sent no SOCKS greeting (first byte 0x%02x)", version & 0xff));
                    return;
                }
            }
            super.decode(ctx, in, out);
        }
    }
}
