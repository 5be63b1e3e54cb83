package dev.tether.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ResilientSenderTest {

    @Test
    void buffersWhileTheServerIsDownAndCountsWhatArrived() throws Exception {
        String text;
        try (StandardOutput out = StandardOutput.capture()) {
            ResilientSender.main(new String[] {"300", "300"});
            text = out.text();
        }
        assertThat(text).contains("server stopped after 100 sends", "state: RECONNECTING", "state: CONNECTED");

        int buffered = number(text, "server restarted with (\\d+) sends buffered");
        Matcher sent = Pattern.compile("sent 300: written (\\d+), failed (\\d+)").matcher(text);
        assertThat(sent.find()).as(text).isTrue();
        Matcher arrived = Pattern.compile("arrived (\\d+) \\((\\d+) before the crash, (\\d+) after the restart\\), "
                + "lost (-?\\d+)").matcher(text);
        assertThat(arrived.find()).as(text).isTrue();
        int failed = Integer.parseInt(sent.group(2));
        int before = Integer.parseInt(arrived.group(2));
        int after = Integer.parseInt(arrived.group(3));
        int lost = Integer.parseInt(arrived.group(4));

        // sends made while the server was down waited in the buffer ...
        assertThat(buffered).isPositive();
        // ... and arrived after the restart, with every send made after it
        assertThat(after).isGreaterThanOrEqualTo(buffered + 100);
        // before the crash at most the first 100 can have arrived; what was lost was lost in the crash
        assertThat(before).isBetween(1, 100);
        assertThat(lost).isBetween(0, 100);
        // no send is left hanging: each one was written or failed
        assertThat(Integer.parseInt(sent.group(1)) + failed).isEqualTo(300);
    }

    private static int number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("'%s' in:%n%s", regex, text).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
