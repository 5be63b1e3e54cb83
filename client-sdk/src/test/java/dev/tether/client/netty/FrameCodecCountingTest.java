package dev.tether.client.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Push;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The codec counts each frame once with its exact size on the wire: checked against the encoder's own sizes. */
class FrameCodecCountingTest {
    private final SingleWriterFrameCounters counters = new SingleWriterFrameCounters();

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new FrameDecoder(1 << 20, counters), new FrameEncoder(counters));
    }

    @Test
    void countsEveryDecodedFrameWithItsSizeEvenWhenSplitAcrossReads() {
        EmbeddedChannel ch = channel();
        List<Message> sent = List.of(new Response(7, new byte[3]), new Push("t", 5, Push.NO_SEQUENCE, new byte[100]), new Ping(1));
        long expectedBytes = 0;
        ByteBuffer all = ByteBuffer.allocate(4096);
        for (Message m : sent) {
            expectedBytes += MessageEncoder.encodedSize(m);
            all.put(MessageEncoder.encode(m));
        }
        all.flip();
        // One byte at a time: a frame completed by many reads is still one frame.
        while (all.hasRemaining()) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {all.get()}));
        }
        for (Message m : sent) {
            assertThat((Object) ch.readInbound()).isEqualTo(m);
        }
        assertThat(counters.framesIn()).isEqualTo(3);
        assertThat(counters.bytesIn()).isEqualTo(expectedBytes);
        assertThat(counters.framesOut()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void countsEveryEncodedFrameAndPreEncodedFramesButNotEmptyMarkers() {
        EmbeddedChannel ch = channel();
        Request request = new Request(1, new byte[10]);
        ByteBuf preEncoded = Unpooled.wrappedBuffer(MessageEncoder.encode(new Push(new byte[20])));
        int preEncodedSize = preEncoded.readableBytes();
        ch.writeOutbound(request, preEncoded, Unpooled.EMPTY_BUFFER);
        assertThat(counters.framesOut()).isEqualTo(2);
        assertThat(counters.bytesOut()).isEqualTo(MessageEncoder.encodedSize(request) + preEncodedSize);
        ByteBuf encoded = ch.readOutbound();
        assertThat(encoded.readableBytes()).isEqualTo(MessageEncoder.encodedSize(request));
        encoded.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void aFrameCutOffByTheCloseIsNotCounted() {
        EmbeddedChannel ch = channel();
        byte[] frame = MessageEncoder.encode(new Push(new byte[50])).array();
        ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, frame.length - 1));
        assertThat(counters.framesIn()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void onlyTheUncountedEncoderIsShared() {
        assertThat(FrameEncoder.INSTANCE.isSharable()).isTrue();
        assertThat(new FrameEncoder(counters).isSharable()).isFalse();
    }
}
