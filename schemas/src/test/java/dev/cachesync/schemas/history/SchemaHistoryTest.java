package dev.cachesync.schemas.history;

import dev.cachesync.schemas.testing.SampleEvents;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every published version of every schema lives in {@code src/main/avro-history/<Record>/v<N>.avsc}. The current
 * schema must read data written with each of them (BACKWARD), and must equal the newest one: changing a schema
 * without publishing it as a new history version fails here.
 */
class SchemaHistoryTest {

    private static final Path CURRENT = SampleEvents.moduleDir().resolve("src/main/avro");
    private static final Path HISTORY = SampleEvents.moduleDir().resolve("src/main/avro-history");
    private static final Pattern VERSION_FILE = Pattern.compile("v([1-9][0-9]*)\\.avsc");

    /** The current schemas, parsed as the build parses them: Product first, so ProductEvent can name it. */
    static Map<String, Schema> currentSchemas() throws IOException {
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> schemas = new TreeMap<>();
        Schema product = parser.parse(CURRENT.resolve("Product.avsc").toFile());
        schemas.put(product.getName(), product);
        try (Stream<Path> files = Files.list(CURRENT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                if (!file.getFileName().toString().equals("Product.avsc")) {
                    Schema schema = parser.parse(file.toFile());
                    schemas.put(schema.getName(), schema);
                }
            }
        }
        return schemas;
    }

    /** Versions 1..N of one record, parsed each on its own (the files are self-contained). */
    static List<Schema> history(String recordName) throws IOException {
        Path dir = HISTORY.resolve(recordName);
        Map<Integer, Path> byVersion = new TreeMap<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Matcher m = VERSION_FILE.matcher(file.getFileName().toString());
                    assertThat(m.matches()).as("history file name %s must be v<N>.avsc", file).isTrue();
                    byVersion.put(Integer.parseInt(m.group(1)), file);
                }
            }
        }
        List<Schema> versions = new ArrayList<>();
        int expected = 1;
        for (Map.Entry<Integer, Path> entry : byVersion.entrySet()) {
            assertThat(entry.getKey()).as("versions of %s are numbered 1, 2, 3... without gaps", recordName)
                    .isEqualTo(expected++);
            versions.add(new Schema.Parser().parse(entry.getValue().toFile()));
        }
        return versions;
    }

    @Test
    void everyCurrentSchemaHasAHistory() throws IOException {
        for (String name : currentSchemas().keySet()) {
            assertThat(history(name)).as("src/main/avro-history/%s/ holds v1.avsc at least", name).isNotEmpty();
        }
    }

    @TestFactory
    Stream<DynamicTest> newestHistoryVersionIsTheCurrentSchema() throws IOException {
        return currentSchemas().entrySet().stream().map(current -> DynamicTest.dynamicTest(current.getKey(), () -> {
            List<Schema> versions = history(current.getKey());
            Schema newest = versions.get(versions.size() - 1);
            assertThat(newest)
                    .as("%s changed: publish it as src/main/avro-history/%s/v%d.avsc (self-contained)",
                            current.getKey(), current.getKey(), versions.size() + 1)
                    .isEqualTo(current.getValue());
        }));
    }

    @TestFactory
    Stream<DynamicTest> currentSchemaReadsDataWrittenWithEveryEarlierVersion() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Schema> current : currentSchemas().entrySet()) {
            List<Schema> versions = history(current.getKey());
            for (int v = 1; v <= versions.size(); v++) {
                Schema writer = versions.get(v - 1);
                tests.add(DynamicTest.dynamicTest(current.getKey() + " reads v" + v, () -> {
                    SchemaCompatibility.SchemaPairCompatibility result =
                            SchemaCompatibility.checkReaderWriterCompatibility(current.getValue(), writer);
                    assertThat(result.getType())
                            .as("%s is not BACKWARD compatible with an earlier version: %s", current.getKey(),
                                    result.getResult().getIncompatibilities())
                            .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void theCheckCatchesAnIncompatibleChange() throws IOException {
        // A new required field without a default cannot be read from old data: the check above must say so.
        Schema v1 = history("ProductEvent").get(0);
        String json = v1.toString().replace("{\"name\":\"source\",",
                "{\"name\":\"region\",\"type\":\"string\"},{\"name\":\"source\",");
        Schema incompatible = new Schema.Parser().parse(json);

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(incompatible, v1).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE);
    }
}
