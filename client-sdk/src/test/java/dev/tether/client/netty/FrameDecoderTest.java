package dev.tether.client.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.Ack;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.GoAway;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageDecoder;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Ping;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Push;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import dev.tether.protocol.Send;
import dev.tether.protocol.Welcome;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Netty stream reader against the protocol's own one ({@link MessageDecoder}) as the oracle: the same
 * bytes, cut into the same random chunks, give the same messages, and the same error for hostile bytes.
 */
class FrameDecoderTest {
    private static final List<Message> MESSAGES = List.of(
            new Hello(1, 30_000, "client", "token", null), new Welcome(1, 30_000, 1 << 20, "s-1", null), new Ping(42),
            new Request(1, new byte[0]), new Request(2, new byte[5000]), new Response(3, new byte[17]),
            new Push("topic", 123, Push.NO_SEQUENCE, new byte[300]), new ErrorMessage(4, 1, "nope"), new GoAway(1000, "bye"));

    @Test
    void bufferedBytesAreTheBytesOfTheFrameNotYetComplete() {
        byte[] request = bytes(MessageEncoder.encode(new Request(2, new byte[5000])));
        byte[] ping = bytes(MessageEncoder.encode(new Ping(42)));
        FrameDecoder decoder = new FrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        assertThat(decoder.bufferedBytes()).isZero();

        ch.writeInbound(Unpooled.copiedBuffer(request, 0, 3)); // not even the whole length prefix
        assertThat(decoder.bufferedBytes()).isEqualTo(3);
        ch.writeInbound(Unpooled.copiedBuffer(request, 3, 1000));
        assertThat(decoder.bufferedBytes()).isEqualTo(1003);
        assertThat((Object) ch.readInbound()).isNull();

        // The rest of the request and the first 5 bytes of a ping: the request is decoded, the ping's start stays.
        byte[] rest = new byte[request.length - 1003 + 5];
        System.arraycopy(request, 1003, rest, 0, request.length - 1003);
        System.arraycopy(ping, 0, rest, request.length - 1003, 5);
        ch.writeInbound(Unpooled.wrappedBuffer(rest));
        assertThat((Object) ch.readInbound()).isInstanceOf(Request.class);
        assertThat(decoder.bufferedBytes()).isEqualTo(5);

        ch.writeInbound(Unpooled.copiedBuffer(ping, 5, ping.length - 5));
        assertThat((Object) ch.readInbound()).isEqualTo(new Ping(42));
        assertThat(decoder.bufferedBytes()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aRaisedFrameLimitAppliesToTheFramesOfTheNextReads() {
        byte[] hello = bytes(MessageEncoder.encode(new Hello(1, 30_000, "client", null, null)));
        byte[] request = bytes(MessageEncoder.encode(new Request(2, new byte[5000])));
        FrameDecoder decoder = new FrameDecoder(200);
        // As the reference server does: a small limit for the hello, the full one once it has been read.
        EmbeddedChannel ch = new EmbeddedChannel(decoder, new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Hello) {
                    decoder.maxFrameLength(8192);
                }
                ctx.fireChannelRead(msg);
            }
        });
        ch.writeInbound(Unpooled.wrappedBuffer(hello));
        assertThat((Object) ch.readInbound()).isInstanceOf(Hello.class);
        assertThat(decoder.maxFrameLength()).isEqualTo(8192);

        ch.writeInbound(Unpooled.copiedBuffer(request, 0, 100)); // the length prefix is checked against the raised limit
        ch.writeInbound(Unpooled.copiedBuffer(request, 100, request.length - 100));
        assertThat((Object) ch.readInbound()).isInstanceOf(Request.class);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aFrameAboveTheLimitInForceIsRefusedBeforeItArrives() {
        byte[] request = bytes(MessageEncoder.encode(new Request(2, new byte[5000])));
        FrameDecoder decoder = new FrameDecoder(8192);
        decoder.maxFrameLength(200);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> ch.writeInbound(Unpooled.copiedBuffer(request, 0, 8)));
        assertThat(thrown).isInstanceOf(DecoderException.class).cause().isInstanceOf(ProtocolException.class);
        assertThat(((ProtocolException) thrown.getCause()).code()).isEqualTo(ProtocolException.Code.FRAME_TOO_LARGE);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> decoder.maxFrameLength(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        ch.finishAndReleaseAll();
    }

    private static byte[] bytes(ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.get(b);
        return b;
    }

    @Test
    void randomChunkingsGiveWhatTheProtocolsDecoderGives() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int i = 0; i < 20; i++) {
                ByteBuffer frame = MessageEncoder.encode(MESSAGES.get(random.nextInt(MESSAGES.size())));
                stream.write(frame.array(), frame.arrayOffset(), frame.remaining());
            }
            byte[] bytes = stream.toByteArray();
            List<Integer> cuts = cuts(random, bytes.length);

            List<Message> expected = new ArrayList<>();
            MessageDecoder oracle = new MessageDecoder();
            SingleWriterFrameCounters counters = new SingleWriterFrameCounters();
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(1 << 20, counters));
            int from = 0;
            for (int to : cuts) {
                oracle.decode(ByteBuffer.wrap(bytes, from, to - from), expected::add);
                ch.writeInbound(Unpooled.copiedBuffer(bytes, from, to - from));
                from = to;
            }
            List<Message> got = new ArrayList<>();
            for (Object m; (m = ch.readInbound()) != null; ) {
                got.add((Message) m);
            }
            assertThat(got).containsExactlyElementsOf(expected).hasSize(20);
            assertThat(counters.bytesIn()).isEqualTo(bytes.length);
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void aClientsStreamInEitherVersionGivesWhatTheProtocolsDecoderGivesWhereverTheWelcomeIsCut() throws Exception {
        Random random = new Random(8);
        List<Message> v2Only = List.of(new Ack(0), new Ack(Long.MAX_VALUE), new Send(Long.MAX_VALUE, new byte[3]),
                new Push("t", Push.NO_TIMESTAMP, 5, new byte[100]));
        for (int round = 0; round < 50; round++) {
            int version = 1 + random.nextInt(2);
            List<Message> sent = new ArrayList<>();
            sent.add(new Welcome(version, 30_000, 1 << 20, "s-" + round, version == 2 ? new byte[] {1, 2} : null));
            for (int i = 0; i < 20; i++) {
                boolean newType = version == 2 && random.nextBoolean();
                Message m = newType ? v2Only.get(random.nextInt(v2Only.size())) : MESSAGES.get(2 + random.nextInt(MESSAGES.size() - 2));
                sent.add(m);
            }
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (Message m : sent) {
                stream.writeBytes(MessageEncoder.toBytes(m, version));
            }
            byte[] bytes = stream.toByteArray();

            List<Message> expected = new ArrayList<>();
            MessageDecoder oracle = new MessageDecoder();
            oracle.expectWelcome(2);
            FrameDecoder decoder = new FrameDecoder();
            decoder.expectWelcome(2);
            EmbeddedChannel ch = new EmbeddedChannel(decoder);
            int from = 0;
            for (int to : cuts(random, bytes.length)) {
                oracle.decode(ByteBuffer.wrap(bytes, from, to - from), expected::add);
                ch.writeInbound(Unpooled.copiedBuffer(bytes, from, to - from));
                from = to;
            }
            List<Message> got = new ArrayList<>();
            for (Object m; (m = ch.readInbound()) != null; ) {
                got.add((Message) m);
            }
            assertThat(expected).containsExactlyElementsOf(sent);
            assertThat(got).containsExactlyElementsOf(expected);
            assertThat(decoder.version()).isEqualTo(oracle.version()).isEqualTo(version);
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void hostileBytesGetTheSameErrorAsFromTheProtocolsDecoderAndTheRestIsDropped() {
        byte[][] hostile = {
            "GET / HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), // another protocol
            {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // a 2 GiB length
            {0, 0, 0, 2, 1, 1}, // shorter than the header
            {0, 0, 0, 12, 0x54, 1, (byte) 0xee, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // an unknown type
        };
        for (byte[] bytes : hostile) {
            ProtocolException expected = null;
            try {
                new MessageDecoder().decode(ByteBuffer.wrap(bytes));
            } catch (ProtocolException e) {
                expected = e;
            }
            assertThat(expected).as("the oracle rejects it").isNotNull();
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());
            Throwable thrown = null;
            try {
                ch.writeInbound(Unpooled.copiedBuffer(bytes));
            } catch (DecoderException e) {
                thrown = e.getCause();
            }
            assertThat(thrown).isInstanceOf(ProtocolException.class);
            assertThat(((ProtocolException) thrown).code()).isEqualTo(expected.code());
            // The stream is out of step: what follows is dropped, not decoded.
            ch.writeInbound(Unpooled.wrappedBuffer(MessageEncoder.encode(new Ping(1))));
            assertThat((Object) ch.readInbound()).isNull();
            ch.finishAndReleaseAll();
        }
    }

    private static List<Integer> cuts(Random random, int length) {
        List<Integer> cuts = new ArrayList<>();
        int at = 0;
        while (at < length) {
            at = Math.min(length, at + 1 + random.nextInt(random.nextBoolean() ? 8 : 2000));
            cuts.add(at);
        }
        return cuts;
    }
}
