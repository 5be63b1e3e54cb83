package dev.tether.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The parser of one whole frame and the length check before a frame is waited for. The stream readers on top
 * ({@link MessageDecoder}, the Netty binding's FrameDecoder) are tested with their own splitting; the vectors
 * ({@code VectorsTest}) and the fuzz tests run through both.
 */
class FrameParserTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void parsesDirectBuffers() throws Exception {
        Message m = new Hello(1, 30_000, "caf\u00e9", "token", new byte[] {1});
        byte[] bytes = MessageEncoder.toBytes(m);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length - 4);
        direct.put(bytes, 4, bytes.length - 4).flip();

        assertThat(FrameParser.parse(direct)).isEqualTo(m);
        assertThat(direct.hasRemaining()).isFalse();
    }

    @Test
    void consumesTheFrameEvenWhenItFails() {
        ByteBuffer frame = ByteBuffer.wrap(HEX.parseHex("5401030000000000000000000000000000000001ff"));

        assertThatThrownBy(() -> FrameParser.parse(frame)).isInstanceOf(ProtocolException.class);
        assertThat(frame.hasRemaining()).isFalse();
    }

    @Test
    void longMalformedStringIsInvalidFieldNotAnIllegalArgumentException() {
        // 65535 bytes of 0xff would decode leniently to 65535 U+FFFD characters, 196605 bytes in UTF-8:
        // more than a string field may hold, which the record constructor would refuse with an unchecked exception.
        ByteBuffer frame = ByteBuffer.allocate(Protocol.HEADER_SIZE + 4 + 0xFFFF);
        frame.put(HEX.parseHex("540107000000000000000001")).putShort((short) 7).putShort((short) 0xFFFF);
        while (frame.hasRemaining()) {
            frame.put((byte) 0xFF);
        }
        ByteBuffer f = frame.flip();

        assertThat(MessageDecoderTest.catchProtocolException(() -> FrameParser.parse(f)).code())
                .isEqualTo(ProtocolException.Code.INVALID_FIELD);
    }

    @Test
    void errorMessagesNameTheOffendingValue() {
        assertThat(MessageDecoderTest.catchProtocolException(() -> FrameParser.checkLength(0x7fffffff, 1 << 20)))
                .hasMessageContaining("2147483647").hasMessageContaining("1048576");
        assertThat(MessageDecoderTest.catchProtocolException(() -> FrameParser.checkLength(0x47455420, 1 << 20)))
                .hasMessageContaining("HTTP");
        assertThat(MessageDecoderTest.catchProtocolException(() -> FrameParser.checkLength(5, 1 << 20)))
                .hasMessageContaining("5");
        assertThat(MessageDecoderTest.catchProtocolException(() -> FrameParser.parse(
                ByteBuffer.wrap(HEX.parseHex("540101000000000000000000" + "01000075300009" + "41")))))
                .hasMessageContaining("HELLO").hasMessageContaining("clientId");
    }

    @Test
    void parsesInTheVersionAskedForAndTheOneArgumentFormIsVersionOne() throws Exception {
        ByteBuffer v2 = MessageEncoder.encode(new Ack(9), 2);
        v2.position(Protocol.LENGTH_FIELD_SIZE);
        assertThat(FrameParser.parse(v2.slice(), 2)).isEqualTo(new Ack(9));

        ByteBuffer ping = MessageEncoder.encode(new Ping(1), 1);
        ping.position(Protocol.LENGTH_FIELD_SIZE);
        assertThat(FrameParser.parse(ping.slice())).isEqualTo(new Ping(1));
        assertThat(MessageDecoderTest.catchProtocolException(() -> FrameParser.parse(ping.slice(), 2)).code())
                .isEqualTo(ProtocolException.Code.UNSUPPORTED_VERSION);
    }

    @Test
    void aVersionThisLibraryDoesNotSpeakIsAProgrammingError() {
        ByteBuffer frame = ByteBuffer.wrap(HEX.parseHex("54010300000000000000000000000000075bcd15"));
        assertThatThrownBy(() -> FrameParser.parse(frame, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameParser.parse(frame, Protocol.VERSION + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameParser.parseBeforeWelcome(frame, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThat(frame.position()).as("nothing consumed").isZero();
    }

    @Test
    void beforeTheWelcomeOnlyAWelcomeIsReadInAHigherVersion() throws Exception {
        Welcome v2 = new Welcome(2, 0, 1 << 20, "s", null);
        assertThat(FrameParser.parseBeforeWelcome(frameOf(v2, 2), 2)).isEqualTo(v2);
        assertThat(FrameParser.parseBeforeWelcome(frameOf(new Welcome(0, 1 << 20, "s"), 1), 2))
                .isEqualTo(new Welcome(0, 1 << 20, "s"));
        assertThat(FrameParser.parseBeforeWelcome(frameOf(new GoAway(5, "busy"), 1), 2)).isEqualTo(new GoAway(5, "busy"));
        assertThat(MessageDecoderTest.catchProtocolException(() -> FrameParser.parseBeforeWelcome(frameOf(v2, 2), 1)).code())
                .isEqualTo(ProtocolException.Code.UNSUPPORTED_VERSION);
        assertThat(MessageDecoderTest.catchProtocolException(
                () -> FrameParser.parseBeforeWelcome(frameOf(new GoAway(5, "busy"), 2), 2)).code())
                .isEqualTo(ProtocolException.Code.UNSUPPORTED_VERSION);
        // Too short to hold a header: the ordinary rules answer.
        assertThat(MessageDecoderTest.catchProtocolException(
                () -> FrameParser.parseBeforeWelcome(ByteBuffer.wrap(HEX.parseHex("540202")), 2)).code())
                .isEqualTo(ProtocolException.Code.FRAME_TOO_SHORT);
    }

    private static ByteBuffer frameOf(Message m, int version) {
        ByteBuffer b = MessageEncoder.encode(m, version);
        return b.position(Protocol.LENGTH_FIELD_SIZE).slice();
    }

    @Test
    void httpAndTlsAreRecognisedOnlyWhereALengthIsOutOfRange() throws Exception {
        // "GET " as a length (1195725856) is legal if someone configured a 2 GiB limit: then it is a length.
        FrameParser.checkLength(0x47455420, Integer.MAX_VALUE);
        assertThat(MessageDecoderTest.catchProtocolException(() -> FrameParser.checkLength(0x16030100, 1 << 20)).code())
                .isEqualTo(ProtocolException.Code.NOT_TETHER_TLS);
    }
}
