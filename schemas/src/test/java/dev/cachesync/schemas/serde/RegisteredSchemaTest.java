package dev.cachesync.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachesync.devstack.DevStackExtension;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.InvalidationCommand;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.registry.SchemaRegistryClient;
import dev.cachesync.schemas.testing.SampleEvents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.IndexedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the serializer registers is exactly the repository's schema: a non-Java producer (kafkajs with
 * {@code @kafkajs/confluent-schema-registry}, say) that registers or looks up the {@code .avsc} text finds the
 * same id, instead of adding a subject version that differs only by the Java code generator's
 * {@code avro.java.string} properties. Looked up with the Confluent API directly (POST /subjects/{subject}).
 */
@ExtendWith(DevStackExtension.class)
class RegisteredSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path AVRO = SampleEvents.moduleDir().resolve("src/main/avro");
    private static final Path HISTORY = SampleEvents.moduleDir().resolve("src/main/avro-history");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theRepositorysSchemaTextFindsTheIdTheSerializerRegistered(SchemaRegistry registry) throws Exception {
        InvalidationApplied applied = InvalidationApplied.newBuilder()
                .setPurgeId(UUID.randomUUID().toString()).setAppliedAt(Instant.ofEpochMilli(1_760_000_000_000L))
                .setSequence(1).setTags(List.of("product:p-1")).setKeysPurged(1)
                .setSourceEventIds(List.of("e-1")).setLagMillis(5).build();
        // ProductEvent's .avsc names Product, so its self-contained form is the newest history file
        // (SchemaHistoryTest keeps that equal to the current schema).
        Map<IndexedRecord, Path> repositorySchemaOf = Map.of(
                SampleEvents.productUpdated("p-1", 2), newestHistoryFile("ProductEvent"),
                SampleEvents.purgeCommand("product:p-1"), AVRO.resolve("InvalidationCommand.avsc"),
                applied, AVRO.resolve("InvalidationApplied.avsc"));

        for (Map.Entry<IndexedRecord, Path> entry : repositorySchemaOf.entrySet()) {
            String topic = "registered-schema-" + UUID.randomUUID();
            int registeredId = serializedSchemaId(registry, topic, entry.getKey());

            // As @kafkajs/confluent-schema-registry sends a schema: JSON.stringify of the parsed file. Apicurio
            // compares the text (Confluent's registry compares parsed schemas, Java properties included).
            String asAJsClientSendsIt = JSON.readTree(Files.readString(entry.getValue())).toString();
            HttpResponse<String> lookup = postSchema(registry.url() + "/subjects/" + topic + "-value", asAJsClientSendsIt);

            assertThat(lookup.statusCode()).as("%s: looking up %s answered %s", entry.getKey().getSchema().getName(),
                    entry.getValue(), lookup.body()).isEqualTo(200);
            assertThat(JSON.readTree(lookup.body()).get("id").asInt()).isEqualTo(registeredId);
            assertThat(registeredSchemaText(registry, registeredId)).doesNotContain("avro.java");
        }
    }

    @Test
    void aSchemaAnEarlierReleaseRegisteredWithJavaPropertiesIsStillFound(SchemaRegistry registry) throws Exception {
        String topic = "registered-schema-" + UUID.randomUUID();
        HttpResponse<String> earlier = postSchema(registry.url() + "/subjects/" + topic + "-value/versions",
                ProductEvent.getClassSchema().toString());
        assertThat(earlier.body()).contains("\"id\"");
        int earlierId = JSON.readTree(earlier.body()).get("id").asInt();

        // AUTO_REGISTER_SCHEMAS=false: the upgraded producer must find that id, not fail on a schema "not registered".
        int id = serializedSchemaId(registry, topic, SampleEvents.productUpdated("p-1", 2),
                Map.of(AvroSerdes.AUTO_REGISTER_SCHEMAS, "false"));

        assertThat(id).isEqualTo(earlierId);
    }

    private static int serializedSchemaId(SchemaRegistry registry, String topic, IndexedRecord record) {
        return serializedSchemaId(registry, topic, record, Map.of());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int serializedSchemaId(SchemaRegistry registry, String topic, IndexedRecord record,
                                          Map<String, ?> config) {
        try (AvroSerializer serializer = new AvroSerializer(SchemaRegistryClient.create(registry.url()))) {
            serializer.configure(config, false);
            byte[] bytes = serializer.serialize(topic, record);
            return ByteBuffer.wrap(bytes, 1, 4).getInt();
        }
    }

    private HttpResponse<String> postSchema(String url, String schemaText) throws Exception {
        String body = JSON.writeValueAsString(Map.of("schema", schemaText));
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String registeredSchemaText(SchemaRegistry registry, int id) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/" + id))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body());
        return json.get("schema").asText();
    }

    private static Path newestHistoryFile(String record) throws Exception {
        try (var files = Files.list(HISTORY.resolve(record))) {
            return files.max((a, b) -> Integer.compare(version(a), version(b))).orElseThrow();
        }
    }

    private static int version(Path file) {
        return Integer.parseInt(file.getFileName().toString().replaceAll("\\D", ""));
    }
}
