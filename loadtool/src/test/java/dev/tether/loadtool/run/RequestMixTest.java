package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestMixTest {
    private static final String CHAT = String.join("\n",
            "# the chat sample's traffic",
            "# NAME   WEIGHT  KIND     PAYLOAD",
            "",
            "join\t1\trequest\ttext:{\"op\":\"join\",\"room\":\"r${random:1}\"}",
            "say      6       send     text:{\"op\":\"say\",\"from\":\"${client}\",\"n\":${seq}}",
            "   history  3  REQUEST  text:{\"op\":\"history\", \"limit\": 20}   ",
            "ping     10      request  hex:00 01 02",
            "");

    @TempDir
    Path dir;

    private static RequestMix parse(String text) {
        return RequestMix.parse(text, "t.mix", RequestMix.DEFAULT_SEED);
    }

    private static String error(String text) {
        try {
            parse(text);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void readsEntriesSkippingCommentsAndBlankLines() {
        RequestMix mix = parse(CHAT.replace("\n", "\r\n"));

        assertThat(mix.entries()).extracting(RequestMix.Entry::name).containsExactly("join", "say", "history", "ping");
        assertThat(mix.entries()).extracting(RequestMix.Entry::weight).containsExactly(1L, 6L, 3L, 10L);
        assertThat(mix.entries()).extracting(RequestMix.Entry::kind).containsExactly(RequestMix.Kind.REQUEST,
                RequestMix.Kind.SEND, RequestMix.Kind.REQUEST, RequestMix.Kind.REQUEST);
        assertThat(mix.entries()).extracting(RequestMix.Entry::line).containsExactly(4, 5, 6, 7);
        // The payload is the rest of the line, inner blanks kept, trailing ones (and the CR) dropped.
        assertThat(new String(mix.payload(2, 0, 0, 0), StandardCharsets.UTF_8)).isEqualTo("{\"op\":\"history\", \"limit\": 20}");
        assertThat(new String(mix.payload(1, 17, 4, 0), StandardCharsets.UTF_8)).isEqualTo("{\"op\":\"say\",\"from\":\"17\",\"n\":4}");
        assertThat(mix.payload(3, 0, 0, 0)).containsExactly(0, 1, 2);
        assertThat(mix.describe()).isEqualTo("a mix of 4 entries from t.mix (seed 1)");
    }

    @Test
    void onceEntriesAreSetupInFileOrderAndNeverChosen() {
        RequestMix mix = parse("login once request text:login ${client}\nsay 1 request text:say room-${client%10} ${seq}\n"
                + "join once request text:join room-${client%10} ${seq}\n");

        assertThat(mix.entries()).extracting(RequestMix.Entry::name).containsExactly("say");
        assertThat(mix.setup()).extracting(RequestMix.Entry::name).containsExactly("login", "join");
        assertThat(mix.setup()).allMatch(RequestMix.Entry::once);
        for (long seq = 0; seq < 100; seq++) {
            assertThat(mix.choose(23, seq)).isZero(); // the only weighted entry
        }
        // ${seq} of a setup entry is its position among the setup entries.
        assertThat(new String(mix.setupPayload(1, 23, 0), StandardCharsets.UTF_8)).isEqualTo("join room-3 1");
        assertThat(new String(mix.setupPayload(0, 23, 0), StandardCharsets.UTF_8)).isEqualTo("login 23");
        assertThat(mix.describe()).isEqualTo("a mix of 1 entry after 2 setup entries per client from t.mix (seed 1)");
        assertThat(error("join once request text:join r")).contains("t.mix: only setup entries (weight once)");
    }

    @Test
    void readsAFileAndNamesItInMistakes() throws Exception {
        Path file = dir.resolve("chat.mix");
        Files.writeString(file, CHAT);
        assertThat(RequestMix.read(file, 9).entries()).hasSize(4);
        assertThat(RequestMix.read(file, 9).seed()).isEqualTo(9);

        Files.writeString(file, "a 1 request text:x\nb 0 request text:y\n");
        assertThatThrownBy(() -> RequestMix.read(file, 1)).hasMessageContaining("chat.mix line 2: weight '0' of entry 'b'");
    }

    @Test
    void refusesFilesItCannotUse() throws Exception {
        assertThatThrownBy(() -> RequestMix.read(dir.resolve("missing.mix"), 1))
                .hasMessage("--mix " + dir.resolve("missing.mix") + ": no such file");

        Path binary = dir.resolve("binary.mix");
        Files.write(binary, new byte[] {'a', ' ', '1', ' ', 's', 'e', 'n', 'd', ' ', (byte) 0xc3, (byte) 0x28});
        assertThatThrownBy(() -> RequestMix.read(binary, 1)).hasMessageContaining("is not UTF-8 text");

        Path huge = dir.resolve("huge.mix");
        byte[] big = new byte[(int) RequestMix.MAX_FILE_BYTES + 1];
        Arrays.fill(big, (byte) '#');
        Files.write(huge, big);
        assertThatThrownBy(() -> RequestMix.read(huge, 1)).hasMessageContaining("a mix file may have at most 1048576");

        assertThatThrownBy(() -> RequestMix.read(dir, 1)).hasMessageStartingWith("cannot read --mix " + dir);
    }

    @Test
    void everyMistakeIsNamedWithItsLine() {
        assertThat(error("only three fields")).contains("t.mix line 1: expected NAME WEIGHT KIND PAYLOAD, found 3 fields");
        assertThat(error("# nothing here\n\n")).contains("t.mix: no entries");
        assertThat(error("")).contains("t.mix: no entries");
        assertThat(error("bad/name 1 request text:x")).contains("line 1: name 'bad/name' must be letters, digits");
        assertThat(error("x".repeat(65) + " 1 request text:x")).contains("at most 64 characters");
        assertThat(error("a ten request text:x")).contains("line 1: weight 'ten' of entry 'a' must be a whole number from 1 to 1000000");
        assertThat(error("a 0 request text:x")).contains("weight '0'");
        assertThat(error("a -2 request text:x")).contains("weight '-2'");
        assertThat(error("a 1.5 request text:x")).contains("weight '1.5'");
        assertThat(error("a 1000001 request text:x")).contains("weight '1000001'");
        assertThat(error("a 1 publish text:x")).contains("line 1: kind 'publish' of entry 'a' must be request");
        assertThat(error("a 1 request text:${user}")).contains("line 1: payload of entry 'a': unknown placeholder ${user} at character 6");
        assertThat(error("a 1 request hex:f")).contains("payload of entry 'a': hex from character 5 has an odd number");
        assertThat(error("a 1 request text:x\na 2 send text:y")).contains("line 2: entry 'a' is named twice");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= RequestMix.MAX_ENTRIES; i++) {
            many.append("e").append(i).append(" 1 request text:x\n");
        }
        assertThat(error(many.toString())).contains("t.mix: 1001 entries, at most 1000 are allowed");
    }

    @Test
    void listsEveryMistakeAtOnceUpToALimit() {
        String message = error("a 1 request text:ok\nb x request text:y\n# fine\nc 1 shout text:z\nd 1 send text:w");
        assertThat(message.split("\n")).containsExactly("bad --mix file t.mix:",
                "  t.mix line 2: weight 'x' of entry 'b' must be a whole number from 1 to 1000000, or once for a setup entry (to leave an entry out, comment its line with #)",
                "  t.mix line 4: kind 'shout' of entry 'c' must be request (answered, timed to its response) or send (one-way, timed until written)");

        String many = error("x y z w\n".repeat(30));
        assertThat(many.split("\n")).hasSize(1 + RequestMix.MAX_PROBLEMS + 1);
        assertThat(many).endsWith("... and 10 more");
    }

    @Test
    void theChoiceFollowsTheWeightsExactlyForAFixedSeed() {
        // Weights 1:6:3:10 over 100 clients x 200 messages = 20,000 choices.
        RequestMix mix = parse(CHAT);
        long[] counts = new long[4];
        for (int client = 0; client < 100; client++) {
            for (int seq = 0; seq < 200; seq++) {
                counts[mix.choose(client, seq)]++;
            }
        }
        // The exact counts of seed 1, the same on every machine and in every run: a change here changes the messages
        // every recorded run with this seed sent.
        assertThat(counts).containsExactly(1040, 6098, 2914, 9948);
        // ... and each within four standard deviations of its weight's share (a binomial draw).
        long[] weights = {1, 6, 3, 10};
        for (int i = 0; i < 4; i++) {
            double p = weights[i] / 20.0;
            double sd = Math.sqrt(20_000 * p * (1 - p));
            assertThat((double) counts[i]).as("entry %d", i).isBetween(20_000 * p - 4 * sd, 20_000 * p + 4 * sd);
        }
    }

    @Test
    void theHashIsSplitMix64() {
        // The JDK's SplittableRandom is SplitMix64: its first output for a seed is mix64(seed + gamma).
        for (long seed : new long[] {0, 1, -1, 42, Long.MAX_VALUE}) {
            assertThat(RequestMix.mix64(seed + RequestMix.GOLDEN_GAMMA)).isEqualTo(new java.util.SplittableRandom(seed).nextLong());
        }
    }

    @Test
    void theSameSeedChoosesTheSameEntriesAndAnotherSeedOthers() {
        RequestMix one = parse(CHAT);
        RequestMix same = parse(CHAT);
        RequestMix other = one.withSeed(2);
        int differ = 0;
        for (int seq = 0; seq < 1_000; seq++) {
            assertThat(same.choose(5, seq)).isEqualTo(one.choose(5, seq));
            assertThat(same.payload(0, 5, seq, 0)).isEqualTo(one.payload(0, 5, seq, 0));
            if (other.choose(5, seq) != one.choose(5, seq)) {
                differ++;
            }
        }
        // Two independent draws from weights 1:6:3:10 disagree 63.5% of the time.
        assertThat(differ).isBetween(550, 740);
    }

    @Test
    void clientsDoNotShareOneSequence() {
        // Client 0's messages shifted by one are not client 1's: neighbours are not in lockstep.
        RequestMix mix = parse(CHAT);
        int same = 0;
        for (int seq = 0; seq < 1_000; seq++) {
            if (mix.choose(0, seq + 1) == mix.choose(1, seq)) {
                same++;
            }
        }
        assertThat(same).isBetween(260, 450); // 36.5% for independent draws
    }

    @Test
    void aSingleEntryIsAlwaysChosen() {
        RequestMix mix = parse("only 3 request text:x");
        for (int seq = 0; seq < 100; seq++) {
            assertThat(mix.choose(seq * 7L, seq)).isZero();
        }
        assertThat(mix.describe()).isEqualTo("a mix of 1 entry from t.mix (seed 1)");
    }

    @Test
    void theFingerprintFollowsTheText() {
        assertThat(parse(CHAT).fingerprint()).isEqualTo(parse(CHAT).fingerprint()).hasSize(16);
        assertThat(parse(CHAT + "# another\n").fingerprint()).isNotEqualTo(parse(CHAT).fingerprint());
        assertThat(List.of(parse(CHAT).withSeed(3).fingerprint())).containsExactly(parse(CHAT).fingerprint());
    }
}
