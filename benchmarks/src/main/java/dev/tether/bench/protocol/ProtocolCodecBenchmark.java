package dev.tether.bench.protocol;

import dev.tether.protocol.Message;
import dev.tether.protocol.FrameParser;
import dev.tether.protocol.MessageDecoder;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Request;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encode and decode of one REQUEST frame with a 64-byte and a 4 KiB payload. Buffers are reused, so
 * {@code -prof gc}'s {@code gc.alloc.rate.norm} is what the codec itself allocates per frame: nothing
 * for encode, the message and its payload array for decode.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'dev.tether.bench.protocol' -prof gc -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtocolCodecBenchmark {

    @Param({"64", "4096"})
    public int payloadSize;

    private Request request;
    /** The whole frame, length prefix included, as the incremental decoder reads it from a socket. */
    private ByteBuffer frame;
    /** The same frame without its prefix, as a framing adapter hands it to decodeFrame. */
    private ByteBuffer frameWithoutPrefix;
    private ByteBuffer encodeBuffer;
    private MessageDecoder decoder;
    /** Hands each decoded message to JMH's blackhole, as an application's handler would consume it. */
    private Consumer<Message> sink;

    @Setup
    public void setUp(Blackhole blackhole) {
        byte[] payload = new byte[payloadSize];
        new Random(1).nextBytes(payload);
        request = new Request(42, payload);
        byte[] bytes = MessageEncoder.toBytes(request);
        frame = ByteBuffer.wrap(bytes);
        frameWithoutPrefix = ByteBuffer.wrap(bytes, Protocol.LENGTH_FIELD_SIZE, bytes.length - Protocol.LENGTH_FIELD_SIZE).slice();
        encodeBuffer = ByteBuffer.allocate(bytes.length);
        decoder = new MessageDecoder();
        sink = blackhole::consume;
    }

    @Benchmark
    public ByteBuffer encode() {
        encodeBuffer.clear();
        MessageEncoder.encode(request, encodeBuffer);
        return encodeBuffer;
    }

    @Benchmark
    public int encodedSize() {
        return MessageEncoder.encodedSize(request);
    }

    @Benchmark
    public void decodeIncremental() throws ProtocolException {
        frame.clear();
        decoder.decode(frame, sink);
    }

    @Benchmark
    public Message decodeFrame() throws ProtocolException {
        frameWithoutPrefix.clear();
        return FrameParser.parse(frameWithoutPrefix);
    }

    @Benchmark
    public void roundTrip() throws ProtocolException {
        encodeBuffer.clear();
        MessageEncoder.encode(request, encodeBuffer);
        encodeBuffer.flip();
        decoder.decode(encodeBuffer, sink);
    }
}
