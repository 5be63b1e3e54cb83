package dev.tether.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Argument validation, value semantics and printing of the message records. */
class MessageRecordsTest {
    private static final String LONE_SURROGATE = "a\uD800b";
    private static final String TOO_LONG = "\u00e9".repeat(0x8000); // 65536 bytes in UTF-8

    @Test
    void helloValidatesItsFields() {
        assertThatThrownBy(() -> new Hello(0, 1, "c", null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxVersion");
        assertThatThrownBy(() -> new Hello(256, 1, "c", null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
        assertThatThrownBy(() -> new Hello(1, -1, "c", null, null)).hasMessageContaining("heartbeatIntervalMillis");
        assertThatThrownBy(() -> new Hello(1, 1L << 32, "c", null, null)).hasMessageContaining("4294967296");
        assertThatThrownBy(() -> new Hello(1, 1, null, null, null)).isInstanceOf(NullPointerException.class).hasMessageContaining("clientId");
        assertThatThrownBy(() -> new Hello(1, 1, TOO_LONG, null, null)).hasMessageContaining("65536");
        assertThatThrownBy(() -> new Hello(1, 1, "c", LONE_SURROGATE, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authToken").hasMessageContaining("index 1");
        assertThatThrownBy(() -> new Hello(1, 1, "c", null, new byte[0x10000])).hasMessageContaining("resumeToken");
        assertThat(new Hello(30_000, "c", "t")).isEqualTo(new Hello(Protocol.VERSION_1, 30_000, "c", "t", null));
    }

    @Test
    void welcomeValidatesItsFields() {
        assertThatThrownBy(() -> new Welcome(0, 1, 100, "s", null)).hasMessageContaining("version");
        assertThatThrownBy(() -> new Welcome(1, 1, 11, "s", null)).hasMessageContaining("maxFrameLength").hasMessageContaining("11");
        assertThatThrownBy(() -> new Welcome(1, 1, 1L << 32, "s", null)).hasMessageContaining("maxFrameLength");
        assertThatThrownBy(() -> new Welcome(1, -5, 100, "s", null)).hasMessageContaining("heartbeatIntervalMillis");
        assertThatThrownBy(() -> new Welcome(1, 1, 100, null, null)).isInstanceOf(NullPointerException.class);
        assertThat(new Welcome(30_000, 1 << 20, "s")).isEqualTo(new Welcome(1, 30_000, 1 << 20, "s", null));
    }

    // ---- version 2: resumption ----

    private static final byte[] TOKEN = {1, 2, 3};
    private static final long U63_MAX = Long.MAX_VALUE; // 2^63-1

    @Test
    void ackTakesAnyU63Sequence() {
        assertThat(new Ack(0).sequence()).isZero();
        assertThat(new Ack(U63_MAX).sequence()).isEqualTo(U63_MAX);
        assertThatThrownBy(() -> new Ack(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequence").hasMessageContaining("-1");
        assertThatThrownBy(() -> new Ack(Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequence");
        assertThat(new Ack(5).type()).isEqualTo(MessageType.ACK);
        assertThat(new Ack(5).correlationId()).isZero();
    }

    @Test
    void ackIsAValue() {
        assertThat(new Ack(7)).isEqualTo(new Ack(7)).hasSameHashCodeAs(new Ack(7)).isNotEqualTo(new Ack(8));
        assertThat(new Ack(U63_MAX)).hasToString("Ack[sequence=9223372036854775807]");
    }

    @Test
    void helloPushesReceivedIsAU63GivenOnlyWithAResumeToken() {
        assertThat(new Hello(2, 1, "c", null, TOKEN, 0).pushesReceived()).isZero();
        assertThat(new Hello(2, 1, "c", null, TOKEN, U63_MAX).pushesReceived()).isEqualTo(U63_MAX);
        assertThat(new Hello(2, 1, "c", null, TOKEN)).isEqualTo(new Hello(2, 1, "c", null, TOKEN, Hello.NO_SEQUENCE));
        assertThat(new Hello(30_000, "c", null).pushesReceived()).isEqualTo(Hello.NO_SEQUENCE).isEqualTo(-1);
        assertThatThrownBy(() -> new Hello(2, 1, "c", null, TOKEN, -2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pushesReceived").hasMessageContaining("-2");
        assertThatThrownBy(() -> new Hello(2, 1, "c", null, null, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pushesReceived").hasMessageContaining("resumeToken");
    }

    @Test
    void helloComparesAndPrintsPushesReceived() {
        Hello h = new Hello(2, 1, "c", "secret", TOKEN, 17);
        assertThat(h).isEqualTo(new Hello(2, 1, "c", "secret", TOKEN.clone(), 17))
                .hasSameHashCodeAs(new Hello(2, 1, "c", "secret", TOKEN.clone(), 17))
                .isNotEqualTo(new Hello(2, 1, "c", "secret", TOKEN, 18))
                .isNotEqualTo(new Hello(2, 1, "c", "secret", TOKEN));
        assertThat(h.toString()).contains("pushesReceived=17").contains("resumeToken=3 bytes").doesNotContain("secret");
    }

    @Test
    void aResumedWelcomeHasAllThreeCountsInRangeVersionTwoAndAToken() {
        Welcome w = new Welcome(2, 1, 100, "s", TOKEN, 12, 3, 5);
        assertThat(w.resumed()).isTrue();
        assertThat(new Welcome(2, 1, 100, "s", TOKEN, 0, 0, 0).resumed()).isTrue();
        assertThat(new Welcome(2, 1, 100, "s", TOKEN, U63_MAX, U63_MAX, U63_MAX).sendsReceived()).isEqualTo(U63_MAX);

        assertThatThrownBy(() -> new Welcome(2, 1, 100, "s", TOKEN, -1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sendsReceived");
        assertThatThrownBy(() -> new Welcome(2, 1, 100, "s", TOKEN, 0, -1, 0)).hasMessageContaining("pushesLost");
        assertThatThrownBy(() -> new Welcome(2, 1, 100, "s", TOKEN, 0, 0, -1)).hasMessageContaining("pushesReplayed");
        assertThatThrownBy(() -> new Welcome(2, 1, 100, "s", TOKEN, 0, 0, -5)).hasMessageContaining("-5");
        assertThatThrownBy(() -> new Welcome(1, 1, 100, "s", TOKEN, 1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
        assertThatThrownBy(() -> new Welcome(2, 1, 100, "s", null, 1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resumeToken");
    }

    @Test
    void aWelcomeThatDidNotResumeHasMinusOneInEveryCount() {
        Welcome fresh = new Welcome(2, 1, 100, "s", TOKEN);
        assertThat(fresh.resumed()).isFalse();
        assertThat(fresh.sendsReceived()).isEqualTo(Welcome.NOT_RESUMED).isEqualTo(-1);
        assertThat(fresh.pushesLost()).isEqualTo(Welcome.NOT_RESUMED);
        assertThat(fresh.pushesReplayed()).isEqualTo(Welcome.NOT_RESUMED);
        assertThat(fresh).isEqualTo(new Welcome(2, 1, 100, "s", TOKEN, -1, -1, -1));
        assertThat(new Welcome(30_000, 1 << 20, "s").resumed()).isFalse();
    }

    @Test
    void welcomeComparesAndPrintsTheResumedCounts() {
        Welcome w = new Welcome(2, 1, 100, "s", TOKEN, 12, 3, 5);
        assertThat(w).isEqualTo(new Welcome(2, 1, 100, "s", TOKEN.clone(), 12, 3, 5))
                .hasSameHashCodeAs(new Welcome(2, 1, 100, "s", TOKEN.clone(), 12, 3, 5))
                .isNotEqualTo(new Welcome(2, 1, 100, "s", TOKEN, 12, 3, 6))
                .isNotEqualTo(new Welcome(2, 1, 100, "s", TOKEN, 12, 4, 5))
                .isNotEqualTo(new Welcome(2, 1, 100, "s", TOKEN, 11, 3, 5))
                .isNotEqualTo(new Welcome(2, 1, 100, "s", TOKEN));
        assertThat(w.toString()).contains("resumed").contains("sendsReceived=12").contains("pushesLost=3")
                .contains("pushesReplayed=5");
        assertThat(new Welcome(2, 1, 100, "s", TOKEN).toString()).contains("not resumed").doesNotContain("sendsReceived");
    }

    @Test
    void requestsAndResponsesNeedANonZeroIdAndAPayload() {
        assertThatThrownBy(() -> new Request(0, new byte[0])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> new Response(0, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Request(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Response(1, null)).isInstanceOf(NullPointerException.class);
        assertThat(new Request(-1, new byte[0]).correlationId()).isEqualTo(-1);
        assertThat(new Response(7, new byte[0]).correlationId()).isEqualTo(7);
    }

    @Test
    void errorMessageValidatesCodeAndText() {
        assertThatThrownBy(() -> new ErrorMessage(0, -1, "")).hasMessageContaining("-1");
        assertThatThrownBy(() -> new ErrorMessage(0, 0x10000, "")).hasMessageContaining("65536");
        assertThatThrownBy(() -> new ErrorMessage(0, 1, null)).isInstanceOf(NullPointerException.class);
        assertThat(new ErrorMessage(5, ErrorCode.DRAINING, "x")).isEqualTo(new ErrorMessage(5, 10, "x"));
        assertThat(new ErrorMessage(5, 999, "x").errorCode()).isEqualTo(ErrorCode.UNKNOWN);
        assertThat(new ErrorMessage(5, 999, "x").correlationId()).isEqualTo(5);
    }

    @Test
    void sendAndPushTakeMinusOneForAbsentOptionalNumbers() {
        assertThatThrownBy(() -> new Send(-2, new byte[0])).hasMessageContaining("sequence");
        assertThatThrownBy(() -> new Send(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Push(null, -2, -1, new byte[0])).hasMessageContaining("timestampMicros");
        assertThatThrownBy(() -> new Push(null, -1, Long.MIN_VALUE, new byte[0])).hasMessageContaining("sequence");
        assertThatThrownBy(() -> new Push(LONE_SURROGATE, -1, -1, new byte[0])).hasMessageContaining("topic");
        assertThat(new Send(new byte[] {1})).isEqualTo(new Send(Send.NO_SEQUENCE, new byte[] {1}));
        assertThat(new Push(new byte[] {1})).isEqualTo(new Push(null, Push.NO_TIMESTAMP, Push.NO_SEQUENCE, new byte[] {1}));
    }

    @Test
    void goAwayValidatesItsFields() {
        assertThatThrownBy(() -> new GoAway(-1, "")).hasMessageContaining("reconnectAfterMillis");
        assertThatThrownBy(() -> new GoAway(0, null)).isInstanceOf(NullPointerException.class);
        assertThatCode(() -> new GoAway(0xFFFF_FFFFL, "x".repeat(0xFFFF))).doesNotThrowAnyException();
    }

    @Test
    void surrogatePairsAreFineOnlyUnpairedOnesAreRefused() {
        String pair = new String(Character.toChars(0x1F600));
        assertThatCode(() -> new GoAway(0, pair)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new GoAway(0, pair.substring(0, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GoAway(0, pair.substring(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void arrayFieldsCompareByContent() {
        assertThat(new Request(1, new byte[] {1, 2})).isEqualTo(new Request(1, new byte[] {1, 2}))
                .hasSameHashCodeAs(new Request(1, new byte[] {1, 2})).isNotEqualTo(new Request(1, new byte[] {1, 3}));
        assertThat(new Hello(1, 1, "c", null, new byte[] {1})).isEqualTo(new Hello(1, 1, "c", null, new byte[] {1}))
                .hasSameHashCodeAs(new Hello(1, 1, "c", null, new byte[] {1}));
        assertThat(new Welcome(1, 1, 12, "s", new byte[] {1})).isEqualTo(new Welcome(1, 1, 12, "s", new byte[] {1}));
        assertThat(new Push("t", 1, 2, new byte[] {3})).isEqualTo(new Push("t", 1, 2, new byte[] {3}))
                .isNotEqualTo(new Push("u", 1, 2, new byte[] {3}));
        assertThat(new Send(1, new byte[] {3})).isNotEqualTo(new Send(2, new byte[] {3}));
        assertThat(new Response(1, new byte[] {3})).isEqualTo(new Response(1, new byte[] {3}));
    }

    @Test
    void toStringHidesTheAuthTokenAndPreviewsPayloads() {
        assertThat(new Hello(1, 1, "me", "s3cret", null).toString()).contains("me").doesNotContain("s3cret");
        assertThat(new Request(-1, new byte[40]).toString()).contains("18446744073709551615").contains("40 bytes").contains("...");
    }

    @Test
    void onlyRequestResponseAndErrorCarryACorrelationId() {
        assertThat(new Ping(5).correlationId()).isZero();
        assertThat(new Send(new byte[0]).correlationId()).isZero();
        assertThat(new GoAway(1, "").correlationId()).isZero();
        assertThat(new Hello(1, "c", null).correlationId()).isZero();
        assertThat(new Ack(1).correlationId()).isZero();
    }
}
