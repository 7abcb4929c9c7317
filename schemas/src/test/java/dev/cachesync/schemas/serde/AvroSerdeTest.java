package dev.cachesync.schemas.serde;

import dev.cachesync.events.InvalidationCommand;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.registry.SchemaRegistryClient;
import dev.cachesync.schemas.registry.UnknownSchemaException;
import dev.cachesync.schemas.testing.SampleEvents;
import dev.cachesync.schemas.testing.StubRegistry;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Serializer and deserializer against an in-memory registry stub: the wire format, subjects, evolution, errors. */
class AvroSerdeTest {

    private static final String TOPIC = "catalog.product-events.v1";

    private final StubRegistry stub = StubRegistry.start();
    private final Map<String, Object> config = Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, stub.url());

    @AfterEach
    void stopStub() {
        stub.close();
    }

    private <T extends org.apache.avro.generic.IndexedRecord> AvroSerializer<T> serializer(Map<String, ?> configs,
                                                                                          boolean isKey) {
        AvroSerializer<T> serializer = new AvroSerializer<>();
        serializer.configure(configs, isKey);
        return serializer;
    }

    private <T> AvroDeserializer<T> deserializer(Map<String, ?> configs, boolean isKey) {
        AvroDeserializer<T> deserializer = new AvroDeserializer<>();
        deserializer.configure(configs, isKey);
        return deserializer;
    }

    @Test
    void writesTheConfluentWireFormatAndReadsItBack() throws IOException {
        ProductEvent event = SampleEvents.productUpdated("p-1", 7);

        byte[] frame = this.<ProductEvent>serializer(config, false).serialize(TOPIC, event);

        int id = SchemaRegistryClient.create(stub.url()).lookupId(TOPIC + "-value", ProductEvent.getClassSchema());
        assertThat(frame[0]).as("magic byte").isZero();
        assertThat(ByteBuffer.wrap(frame, 1, 4).getInt()).as("big-endian schema id").isEqualTo(id);
        assertThat(Arrays.copyOfRange(frame, 5, frame.length)).as("plain Avro binary body")
                .isEqualTo(avroBinary(event));
        ProductEvent read = this.<ProductEvent>deserializer(config, false).deserialize(TOPIC, frame);
        assertThat(read).isEqualTo(event);
        assertThat(read.getAfter().getUpdatedAt()).isEqualTo(event.getAfter().getUpdatedAt());
    }

    @Test
    void keysGoToTheKeySubjectAndValuesToTheValueSubject() {
        InvalidationCommand command = SampleEvents.purgeCommand("category:coffee");

        byte[] key = this.<InvalidationCommand>serializer(config, true).serialize("commands", command);
        byte[] value = this.<InvalidationCommand>serializer(config, false).serialize("commands", command);

        assertThat(stub.versions("commands-key")).hasSize(1);
        assertThat(stub.versions("commands-value")).hasSize(1);
        assertThat(this.<InvalidationCommand>deserializer(config, true).deserialize("commands", key))
                .isEqualTo(command);
        assertThat(this.<InvalidationCommand>deserializer(config, false).deserialize("commands", value))
                .isEqualTo(command);
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(this.<ProductEvent>serializer(config, false).serialize(TOPIC, null)).isNull();
        assertThat(this.<ProductEvent>deserializer(config, false).deserialize(TOPIC, null)).isNull();
    }

    @Test
    void withoutAutoRegisterTheSchemaMustAlreadyBeRegistered() {
        Map<String, Object> lookupOnly = Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, stub.url(),
                AvroSerdes.AUTO_REGISTER_SCHEMAS, "false");
        AvroSerializer<ProductEvent> serializer = serializer(lookupOnly, false);
        ProductEvent event = SampleEvents.productUpdated("p-2", 3);

        assertThatThrownBy(() -> serializer.serialize("unregistered", event))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("'unregistered-value'");
        assertThat(stub.versions("unregistered-value")).isEmpty();

        int id = SchemaRegistryClient.create(stub.url()).register("registered-value", ProductEvent.getClassSchema());
        byte[] frame = serializer.serialize("registered", event);

        assertThat(ByteBuffer.wrap(frame, 1, 4).getInt()).isEqualTo(id);
        assertThat(stub.requests("POST /subjects/registered-value/versions")).isEqualTo(1); // only ours
        assertThat(stub.requests("POST /subjects/registered-value")).isEqualTo(1);
    }

    @Test
    void aRecordWrittenWithProductEventV1IsReadByTheCurrentClass() {
        ProductEvent current = SampleEvents.productUpdated("p-3", 2);
        GenericRecord v1 = SampleEvents.asProductEventV1(current);
        assertThat(v1.getSchema().getField("traceId")).isNull();

        byte[] frame = this.<GenericRecord>serializer(config, false).serialize(TOPIC, v1);
        ProductEvent read = this.<ProductEvent>deserializer(config, false).deserialize(TOPIC, frame);

        assertThat(read.getTraceId()).isNull();
        assertThat(read).isEqualTo(SampleEvents.withoutTraceId(current));
    }

    @Test
    void genericRecordsWhenSpecificReaderIsOff() {
        ProductEvent event = SampleEvents.productUpdated("p-4", 9);
        byte[] frame = this.<ProductEvent>serializer(config, false).serialize(TOPIC, event);

        GenericRecord read = this.<GenericRecord>deserializer(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, stub.url(),
                AvroSerdes.SPECIFIC_AVRO_READER, false), false).deserialize(TOPIC, frame);

        assertThat(read).isNotInstanceOf(ProductEvent.class);
        assertThat(read.get("productId").toString()).isEqualTo("p-4");
        assertThat(read.get("occurredAt")).isEqualTo(event.getOccurredAt().toEpochMilli());
    }

    @Test
    void emptyFrameIsNotATombstone() {
        assertWireFormatError(new byte[0], WireFormatException.Reason.EMPTY, "is empty (0 bytes)");
    }

    @Test
    void frameShorterThanTheHeaderIsTruncated() {
        assertWireFormatError(new byte[] {0, 0, 1}, WireFormatException.Reason.TOO_SHORT,
                "has only 3 byte(s), the 5-byte header (magic byte + 4-byte schema id) is truncated");
    }

    @Test
    void frameWithAnotherFirstByteNamesTheByte() {
        byte[] json = "{\"productId\":\"p-1\"}".getBytes(StandardCharsets.UTF_8);
        assertWireFormatError(json, WireFormatException.Reason.WRONG_MAGIC_BYTE,
                "starts with byte 0x7b, expected the magic byte 0x00 (it looks like JSON)");
        assertWireFormatError(new byte[] {1}, WireFormatException.Reason.WRONG_MAGIC_BYTE, "byte 0x01");
    }

    @Test
    void truncatedOrPaddedAvroBodyIsCorrupt() {
        byte[] frame = this.<ProductEvent>serializer(config, false)
                .serialize(TOPIC, SampleEvents.productUpdated("p-5", 4));

        assertWireFormatError(Arrays.copyOf(frame, frame.length - 10), WireFormatException.Reason.CORRUPT_BODY,
                "is truncated or corrupt");
        assertWireFormatError(Arrays.copyOf(frame, frame.length + 3), WireFormatException.Reason.CORRUPT_BODY,
                "bytes are left over after the record");
        byte[] garbage = Arrays.copyOf(frame, frame.length);
        Arrays.fill(garbage, 5, garbage.length, (byte) 0xff);
        assertWireFormatError(garbage, WireFormatException.Reason.CORRUPT_BODY, "writer schema id");
    }

    @Test
    void frameWithAnUnknownSchemaIdSaysWhichId() {
        byte[] frame = {0, 0, 0, 0x30, 0x39, 2, 'x'};

        assertThatThrownBy(() -> this.<ProductEvent>deserializer(config, false).deserialize(TOPIC, frame))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("Schema id 12345 is unknown");
    }

    @Test
    void aRecordMissingARequiredFieldNamesTheField() {
        ProductEvent event = SampleEvents.productUpdated("p-6", 2);
        event.setSource(null); // the builder would refuse; a mutated record reaches the serializer

        assertThatThrownBy(() -> this.<ProductEvent>serializer(config, false).serialize(TOPIC, event))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("ProductEvent")
                .hasMessageContaining("source");
    }

    @Test
    void registryUrlIsRequired() {
        assertThatThrownBy(() -> new AvroSerializer<ProductEvent>().configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdes.SCHEMA_REGISTRY_URL);
        assertThatThrownBy(() -> new AvroDeserializer<ProductEvent>().configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdes.SCHEMA_REGISTRY_URL);
        assertThatThrownBy(() -> serializer(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, stub.url(),
                AvroSerdes.AUTO_REGISTER_SCHEMAS, "yes"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdes.AUTO_REGISTER_SCHEMAS);
    }

    @Test
    void serdeForAClassRoundTrips() {
        try (Serde<ProductEvent> serde = AvroSerdes.serde(ProductEvent.class, stub.url())) {
            ProductEvent event = SampleEvents.productUpdated("p-7", 5);

            byte[] frame = serde.serializer().serialize(TOPIC, event);

            assertThat(serde.deserializer().deserialize(TOPIC, frame)).isEqualTo(event);
            assertThat(stub.versions(TOPIC + "-value")).hasSize(1);
        }
    }

    @Test
    void theEventsPackageIsTrustedWithoutTheUserSettingAnything() {
        new AvroDeserializer<ProductEvent>(ProductEvent.class);

        assertThat(System.getProperty(TrustedPackages.PROPERTY)).contains(TrustedPackages.EVENTS_PACKAGE);
    }

    private void assertWireFormatError(byte[] frame, WireFormatException.Reason reason, String message) {
        assertThatThrownBy(() -> this.<ProductEvent>deserializer(config, false).deserialize(TOPIC, frame))
                .isInstanceOf(WireFormatException.class)
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(message)
                .hasMessageContaining("value on topic '" + TOPIC + "'")
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(reason));
    }

    private static byte[] avroBinary(ProductEvent event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(ProductEvent.getClassSchema(), event.getSpecificData()).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
