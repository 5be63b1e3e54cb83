package dev.tether.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.ReferenceServer;
import org.junit.jupiter.api.Test;

class QuickStartTest {

    @Test
    void connectsRequestsPrintsTheReplyAndCloses() throws Exception {
        try (ReferenceServer server = ReferenceServer.builder().host("127.0.0.1").port(0).start();
             StandardOutput out = StandardOutput.capture()) {
            QuickStart.main(new String[] {"127.0.0.1", Integer.toString(server.port()), "hi there"});

            assertThat(out.text())
                    .containsPattern("connected to 127\\.0\\.0\\.1:" + server.port() + ", session \\S+")
                    .contains("reply: hi there")
                    .endsWith("closed" + System.lineSeparator());
            assertThat(server.stats().requestsTotal()).isEqualTo(1);
        }
    }
}
