package dev.tether.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProtocolExceptionTest {

    @Test
    void messageStartsWithTheCode() {
        ProtocolException e = new ProtocolException(ProtocolException.Code.BAD_MAGIC, "magic byte is 0x55");
        assertThat(e.code()).isEqualTo(ProtocolException.Code.BAD_MAGIC);
        assertThat(e).hasMessage("BAD_MAGIC: magic byte is 0x55");
    }

    @Test
    void mapsToTheErrorCodeToSendBeforeClosing() {
        for (ProtocolException.Code code : ProtocolException.Code.values()) {
            ErrorCode expected = code == ProtocolException.Code.FRAME_TOO_LARGE ? ErrorCode.FRAME_TOO_LARGE
                    : code == ProtocolException.Code.UNSUPPORTED_VERSION ? ErrorCode.UNSUPPORTED_VERSION
                    : ErrorCode.PROTOCOL_ERROR;
            assertThat(new ProtocolException(code, "x").errorCode()).as("%s", code).isEqualTo(expected);
        }
    }
}
