package dev.tether.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForeignProtocolsTest {

    @ParameterizedTest
    @ValueSource(strings = {"GET /", "POST /x", "PUT /", "HEAD /", "DELETE /", "OPTIONS *", "PATCH /", "CONNECT h:1", "TRACE /",
        "HTTP/1.1 200", "PRI * HTTP/2.0"})
    void httpRequestsAreRecognised(String start) {
        assertThat(ForeignProtocols.recognise(prefix(start.getBytes(StandardCharsets.US_ASCII)))).isEqualTo("HTTP");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x16030000, 0x16030100, 0x16030300, 0x16030401})
    void tlsHandshakeRecordsAreRecognised(int prefix) {
        assertThat(ForeignProtocols.recognise(prefix)).startsWith("TLS");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00000010, 0x7fffffff, 0xffffffff, 0x16030500, 0x17030300, 0x47455400})
    void otherBytesAreNotNamed(int prefix) {
        assertThat(ForeignProtocols.recognise(prefix)).isNull();
    }

    private static int prefix(byte[] b) {
        return ByteBuffer.wrap(b).getInt();
    }
}
