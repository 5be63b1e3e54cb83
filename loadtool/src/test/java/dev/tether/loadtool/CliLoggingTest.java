package dev.tether.loadtool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class CliLoggingTest {
    @Test
    void clientFailuresAreLeftToTheCommandsWhileServerWarningsShow() {
        CliLogging.configure();
        assertThat(Logger.getLogger("dev.tether.client.internal.RealClient").isLoggable(Level.WARNING)).isFalse();
        assertThat(Logger.getLogger("io.netty.channel.DefaultChannelPipeline").isLoggable(Level.WARNING)).isFalse();
        assertThat(Logger.getLogger("dev.tether.client.internal.RealClient").isLoggable(Level.SEVERE)).isTrue();
        assertThat(Logger.getLogger("dev.tether.server.ReferenceServer").isLoggable(Level.WARNING)).isTrue();
        assertThat(Logger.getLogger("dev.tether.server.ReferenceServer").isLoggable(Level.INFO)).isFalse();
    }

    @Test
    void aRecordIsOneLine() {
        LogRecord r = new LogRecord(Level.WARNING, "session {0} failed; closing it");
        r.setLoggerName("dev.tether.server.ReferenceServer");
        r.setParameters(new Object[] {7});
        r.setThrown(new IOException("boom"));

        assertThat(new CliLogging.OneLine().format(r)).isEqualTo("loadtool: WARNING dev.tether.server.ReferenceServer: "
                + "session 7 failed; closing it: java.io.IOException: boom" + System.lineSeparator());
    }
}
