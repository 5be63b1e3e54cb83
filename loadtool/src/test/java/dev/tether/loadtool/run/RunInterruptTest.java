package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code loadtool run} in its own process, stopped by SIGTERM as a CI job or {@code kill} would stop it. */
class RunInterruptTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aRunStoppedBySigtermIsReportedAsInterruptedNeverAsPassed() throws Exception {
        Path json = dir.resolve("cut.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.tether.loadtool.LoadTool",
                "run", "--clients", "2", "--rate", "50", "--warmup", "0", "--duration", "10m", "--json", json.toString())
                .redirectErrorStream(true)
                .start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            // The live line of the measured period: the run is under way and the shutdown hook is installed.
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith("[") && line.contains(" run ")) {
                    break;
                }
            }
            p.toHandle().destroy(); // SIGTERM, leaving our end of its output open
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
            }
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).as(output.toString()).isTrue();
        } finally {
            p.destroyForcibly();
        }

        assertThat(p.exitValue()).as(output.toString()).isEqualTo(128 + 15);
        assertThat(output).contains("Tether load run").contains("interrupted").contains("  json        " + json);
        dev.tether.loadtool.report.SummarySchema.assertValid(json);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.at("/interrupted").asBoolean()).isTrue();
        assertThat(root.at("/passed").asBoolean(true)).isFalse();
    }
}
