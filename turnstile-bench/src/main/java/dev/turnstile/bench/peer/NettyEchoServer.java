package dev.turnstile.bench.peer;

import dev.turnstile.api.Replies;
import dev.turnstile.echo.EchoUppercase;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The comparison peer: echo-uppercase on Netty 4.2, NIO transport, line framing, the usual Netty
 * shape: a line decoder, then a handler that writes replies and flushes once per read batch.
 * It answers with {@link EchoUppercase#answer}, the same code the turnstile models run, so a
 * difference in the figures is the I/O machinery's, not the service's.
 *
 * <p><b>TLS.</b> Given a certificate and key (PEM, the key unencrypted PKCS#8), every channel starts
 * with an {@link SslHandler} on the JDK's provider (TLS 1.3 and 1.2, as the JDK enables them), the
 * usual Netty shape for comparing with turnstile's own JDK-engine TLS; the rest of the pipeline is
 * the same. One {@link SslContext} is shared by every channel, each gets its own handler.
 *
 * <p><b>Threads.</b> One event loop group of {@code loops} threads ({@code netty-loop-N}) accepts
 * and serves; with one loop, as by default, a single thread does everything, like an event-loop
 * model. Each channel gets its own decoder and handler. Benchmark scope only: nothing outside turnstile-bench depends on Netty.
 */
public final class NettyEchoServer implements AutoCloseable {

    private static final byte[] TOO_LONG = "ERROR message too long\n".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Channel listener;

    private NettyEchoServer(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    /** Binds and serves plaintext; returns once bound. */
    public static NettyEchoServer start(String host, int port, int backlog, int loops, int maxLineBytes)
            throws InterruptedException {
        return start(host, port, backlog, loops, maxLineBytes, null);
    }

    /**
     * Binds and serves TLS with the PEM {@code certificate} chain and its unencrypted PKCS#8 {@code key};
     * returns once bound.
     *
     * @throws IllegalArgumentException the certificate or key cannot be read, naming the files
     */
    public static NettyEchoServer startTls(String host, int port, int backlog, int loops, int maxLineBytes,
                                           Path certificate, Path key) throws InterruptedException {
        SslContext tls;
        try {
            tls = SslContextBuilder.forServer(certificate.toFile(), key.toFile()).sslProvider(SslProvider.JDK).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS certificate " + certificate + " or key " + key
                    + " unusable: " + e.getMessage(), e);
        }
        return start(host, port, backlog, loops, maxLineBytes, tls);
    }

    private static NettyEchoServer start(String host, int port, int backlog, int loops, int maxLineBytes,
                                         SslContext tls) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory("netty-loop"),
                NioIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, backlog)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new LineBasedFrameDecoder(maxLineBytes, true, true),
                                    new UppercaseHandler());
                        }
                    })
                    .bind(host, port).sync().channel();
            return new NettyEchoServer(group, listener);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Closes the listener, then lets the loops finish their queued work for up to {@code grace}. */
    public void stop(Duration grace) {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, grace.toMillis(), TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(2));
    }

    /**
     * Answers each line through {@link EchoUppercase#answer} on a view of the frame's bytes, and is
     * that call's {@link Replies}: one per channel, so no object is made per message.
     * Not sharable: it holds its channel's context. Runs on its channel's loop thread only.
     */
    static final class UppercaseHandler extends ChannelInboundHandlerAdapter implements Replies {

        private ChannelHandlerContext ctx; // loop thread only; set once the handler is added

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            this.ctx = context;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                EchoUppercase.answer(frame.nioBuffer(frame.readerIndex(), frame.readableBytes()), this);
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            context.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                context.writeAndFlush(context.alloc().buffer().writeBytes(TOO_LONG))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                context.close(); // the client went away (reset): nothing to answer
            }
        }

        /** One reply: copied into a pooled buffer with its newline, written, flushed at the end of the read batch. */
        @Override
        public void send(ByteBuffer payload) {
            ByteBuf reply = ctx.alloc().ioBuffer(payload.remaining() + 1);
            reply.writeBytes(payload).writeByte('\n');
            ctx.write(reply, ctx.voidPromise());
        }

        @Override
        public void closeAfterReplies() {
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
