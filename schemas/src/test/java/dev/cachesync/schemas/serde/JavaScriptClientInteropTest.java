package dev.cachesync.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachesync.devstack.DevStackExtension;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.registry.SchemaRegistryClient;
import dev.cachesync.schemas.testing.SampleEvents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JavaScript service as a client of the events: Node with {@code @kafkajs/confluent-schema-registry} (pinned in
 * {@code src/test/js/package-lock.json}, installed into {@code target/js-interop} by {@code npm ci}) decodes what
 * the Java serializer wrote, registers the repository's {@code .avsc} and gets the Java id back, and writes a
 * record the Java deserializer reads. Needs {@code node} and {@code npm} (and the npm registry) like the build
 * needs Maven Central; {@code .ci/run} installs Node when it is missing. About 10 s.
 */
@ExtendWith(DevStackExtension.class)
class JavaScriptClientInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JS_SOURCES = SampleEvents.moduleDir().resolve("src/test/js");
    private static final Path WORK = SampleEvents.moduleDir().resolve("target/js-interop");

    @Test
    void aJavaScriptClientReadsWritesAndRegistersTheSameSchema(SchemaRegistry registry) throws Exception {
        installJsClient();
        String topic = "js-interop-" + UUID.randomUUID();
        ProductEvent event = SampleEvents.productUpdated("p-js", 4);
        event.getAfter().setPriceCents((1L << 53) - 2); // the largest price the catalog accepts (avsc refuses 2^53 - 1)
        byte[] written;
        try (AvroSerializer<ProductEvent> serializer = new AvroSerializer<>(SchemaRegistryClient.create(registry.url()))) {
            serializer.configure(Map.of(), false);
            written = serializer.serialize(topic, event);
        }
        Path avsc = SampleEvents.moduleDir().resolve("src/main/avro-history/ProductEvent/v3.avsc");

        JsonNode js = JSON.readTree(run(List.of("node", "interop.js", registry.url(), topic + "-value",
                avsc.toString(), Base64.getEncoder().encodeToString(written))));

        assertThat(js.at("/decoded/productId").asText()).isEqualTo("p-js");
        assertThat(js.at("/decoded/version").asLong()).isEqualTo(4);
        assertThat(js.at("/decoded/after/priceCents").asLong()).isEqualTo((1L << 53) - 2);
        assertThat(js.at("/decoded/tags").toString()).contains("\"product:p-js\"");
        int javaId = ByteBuffer.wrap(written, 1, 4).getInt();
        assertThat(js.at("/lookedUpId").asInt()).as("the .avsc looked up from JS is the schema Java registered")
                .isEqualTo(javaId);
        assertThat(js.at("/registeredId").asInt()).as("registering the .avsc from JS adds no version").isEqualTo(javaId);
        try (AvroDeserializer<ProductEvent> deserializer = new AvroDeserializer<>()) {
            deserializer.configure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, registry.url(),
                    AvroSerdes.SPECIFIC_AVRO_READER, "true"), false);
            ProductEvent fromJs = deserializer.deserialize(topic, Base64.getDecoder().decode(js.get("encoded").asText()));
            event.setSource("kafkajs");
            assertThat(fromJs).isEqualTo(event);
        }
    }

    /** npm ci of the pinned client into target/ (a clean install each run: the lock file decides). */
    private static void installJsClient() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "interop.js")) {
            Files.copy(JS_SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        run(List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " is not on the PATH (" + e.getMessage() + "): this test needs"
                    + " Node.js 18+ and npm (apt-get install nodejs npm; .ci/run installs them)", e);
        }
        process.getOutputStream().close();
        var stderr = new java.io.ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                process.getErrorStream().transferTo(stderr);
            } catch (IOException ignored) {
                // the exit code reports the failure
            }
        });
        drain.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
        }
        drain.join();
        assertThat(process.exitValue()).as("%s failed: %s%s", String.join(" ", command), stdout,
                stderr.toString(StandardCharsets.UTF_8)).isZero();
        return stdout;
    }
}
