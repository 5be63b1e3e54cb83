package dev.tether.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    @Test
    void wireValuesAreTheContract() {
        // The table in PROTOCOL.md; a change here is a wire break.
        int[] expected = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        ErrorCode[] codes = {ErrorCode.UNKNOWN, ErrorCode.PROTOCOL_ERROR, ErrorCode.AUTH_FAILED, ErrorCode.UNSUPPORTED_VERSION,
            ErrorCode.SERVER_FULL, ErrorCode.HANDSHAKE_TIMEOUT, ErrorCode.FRAME_TOO_LARGE, ErrorCode.APPLICATION_ERROR,
            ErrorCode.SLOW_CONSUMER, ErrorCode.NOT_READY, ErrorCode.DRAINING, ErrorCode.IDLE_TIMEOUT,
            ErrorCode.SERVER_BUSY};
        assertThat(codes).containsExactly(ErrorCode.values());
        for (int i = 0; i < codes.length; i++) {
            assertThat(codes[i].code()).isEqualTo(expected[i]);
            assertThat(ErrorCode.fromCode(expected[i])).isSameAs(codes[i]);
        }
    }

    @Test
    void unknownValuesMapToUnknown() {
        assertThat(ErrorCode.fromCode(13)).isEqualTo(ErrorCode.UNKNOWN);
        assertThat(ErrorCode.fromCode(0xFFFF)).isEqualTo(ErrorCode.UNKNOWN);
        assertThat(ErrorCode.fromCode(-1)).isEqualTo(ErrorCode.UNKNOWN);
    }

    @Test
    void onlyAuthAndVersionFailuresAreFatal() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(c.fatal()).as("%s", c).isEqualTo(c == ErrorCode.AUTH_FAILED || c == ErrorCode.UNSUPPORTED_VERSION);
        }
    }
}
