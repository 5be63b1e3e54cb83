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
    void httpAndTlsAreRecognisedOnlyWhereALengthIsOutOfRange() throws Exception {
        // "GET " as a length (1195725856) is legal if someone configured a 2 GiB limit: then it is a length.
        FrameParser.checkLength(0x47455420, Integer.MAX_VALUE);
        assertThat(MessageDecoderTest.catchProtocolException(() -> FrameParser.checkLength(0x16030100, 1 << 20)).code())
                .isEqualTo(ProtocolException.Code.NOT_TETHER_TLS);
    }
}
