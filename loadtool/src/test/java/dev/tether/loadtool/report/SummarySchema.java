package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Validates JSON summaries against the schema the jar publishes; every test that writes a summary calls it. */
public final class SummarySchema {
    private static final Schema SCHEMA = load();

    private SummarySchema() {
    }

    private static Schema load() {
        try (InputStream in = JsonReport.class.getResourceAsStream(JsonReport.SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing: " + JsonReport.SCHEMA_RESOURCE);
            }
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in, InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema violations of a JSON text, empty when it is valid. */
    public static List<Error> violations(String json) {
        return SCHEMA.validate(json, InputFormat.JSON);
    }

    /** Fails the test, listing every violation, unless the file is a valid summary. */
    public static void assertValid(Path json) {
        try {
            String text = Files.readString(json);
            assertThat(violations(text)).as("schema violations of %s:%n%s", json, text).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
