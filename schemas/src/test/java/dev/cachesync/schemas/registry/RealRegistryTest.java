package dev.cachesync.schemas.registry;

import dev.cachesync.devstack.DevStackExtension;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.testing.SampleEvents;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against the real registry of devstack (Apicurio's Confluent API, BACKWARD compatibility). */
@ExtendWith(DevStackExtension.class)
class RealRegistryTest {

    private static String uniqueSubject() {
        return "registry-test-" + UUID.randomUUID() + "-value";
    }

    @Test
    void theRegistryAcceptsEveryPublishedProductEventVersionInOrder(SchemaRegistry registry) {
        SchemaRegistryClient client = SchemaRegistryClient.create(registry.url());
        String subject = uniqueSubject();

        int v1 = client.register(subject, SampleEvents.historicSchema("ProductEvent", 1));
        int v2 = client.register(subject, SampleEvents.historicSchema("ProductEvent", 2));
        int current = client.register(subject, ProductEvent.getClassSchema());

        assertThat(v2).isNotEqualTo(v1);
        SchemaRegistryClient otherProcess = SchemaRegistryClient.create(registry.url());
        assertThat(otherProcess.getSchemaById(v1)).isEqualTo(SampleEvents.historicSchema("ProductEvent", 1));
        assertThat(otherProcess.getSchemaById(current).getField("traceId")).isNotNull();
        assertThat(otherProcess.lookupId(subject, SampleEvents.historicSchema("ProductEvent", 1))).isEqualTo(v1);
    }

    @Test
    void anIncompatibleSchemaIsRefusedWithTheRegistrysReason(SchemaRegistry registry) {
        SchemaRegistryClient client = SchemaRegistryClient.create(registry.url());
        String subject = uniqueSubject();
        client.register(subject, SampleEvents.historicSchema("ProductEvent", 1));
        // A new required field without a default: new code could not read the events already written.
        Schema incompatible = SchemaBuilder.record("ProductEvent").namespace("dev.cachesync.events").fields()
                .requiredString("eventId").requiredString("region").endRecord();

        assertThat(client.getCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.testCompatibility(subject, incompatible)).isFalse();
        assertThat(client.testCompatibility(subject, ProductEvent.getClassSchema())).isTrue();
        assertThatThrownBy(() -> client.register(subject, incompatible))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining(subject)
                .satisfies(e -> assertThat(((IncompatibleSchemaException) e).registryMessage()).isNotBlank());
        assertThatThrownBy(() -> client.lookupId(subject, incompatible)).isInstanceOf(UnknownSchemaException.class);
    }

    @Test
    void aSubjectsOwnLevelIsSetAndEnforced(SchemaRegistry registry) {
        SchemaRegistryClient client = SchemaRegistryClient.create(registry.url());
        String subject = uniqueSubject();
        Schema v1 = SampleEvents.historicSchema("ProductEvent", 1);
        client.register(subject, v1);
        // v1 plus a required field: old readers can read it (FORWARD), new readers cannot read old data (BACKWARD).
        Schema withRequiredRegion = new Schema.Parser().parse(v1.toString().replace("{\"name\":\"source\",",
                "{\"name\":\"region\",\"type\":\"string\"},{\"name\":\"source\","));
        assertThat(client.testCompatibility(subject, withRequiredRegion)).isFalse();

        client.setCompatibility(subject, CompatibilityLevel.FORWARD);

        assertThat(client.getCompatibility(subject)).isEqualTo(CompatibilityLevel.FORWARD);
        assertThat(client.testCompatibility(subject, withRequiredRegion)).isTrue();
        assertThat(client.register(subject, withRequiredRegion)).isPositive();
        assertThat(client.getCompatibility()).as("the global level is untouched").isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void anUnknownIdIsAClearError(SchemaRegistry registry) {
        SchemaRegistryClient client = SchemaRegistryClient.create(registry.url());

        assertThatThrownBy(() -> client.getSchemaById(987_654_321))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("Schema id 987654321 is unknown")
                .hasMessageContaining(registry.url());
    }
}
