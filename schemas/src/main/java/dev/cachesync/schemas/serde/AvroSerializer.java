package dev.cachesync.schemas.serde;

import dev.cachesync.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes Avro records (generated {@code SpecificRecord}s, or {@code GenericRecord}s) in the Confluent wire format:
 * magic byte 0, the 4-byte big-endian schema id from the registry, then Avro binary. Configured like Confluent's
 * {@code KafkaAvroSerializer}, so Confluent's deserializer reads what this writes:
 * <ul>
 *   <li>{@value AvroSerdes#SCHEMA_REGISTRY_URL} (required unless a client is passed to the constructor)</li>
 *   <li>{@value AvroSerdes#AUTO_REGISTER_SCHEMAS} (default {@code true}): register the record's schema under the
 *       subject; when {@code false}, only look up its id there (and fail if the schema is not registered).</li>
 * </ul>
 * The subject follows Confluent's TopicNameStrategy: {@code <topic>-value}, or {@code <topic>-key} for keys.
 * A {@code null} record becomes {@code null} (a tombstone). Thread-safe once configured.
 */
public final class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {

    private volatile SchemaRegistryClient registry;
    private volatile boolean autoRegister = true;
    private volatile boolean isKey;
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();

    /** For Kafka to instantiate from configuration; {@link #configure} must set the registry URL. */
    public AvroSerializer() {
    }

    /** Uses the given client; {@link #configure} may still set {@value AvroSerdes#AUTO_REGISTER_SCHEMAS}. */
    public AvroSerializer(SchemaRegistryClient registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null || configs.containsKey(AvroSerdes.SCHEMA_REGISTRY_URL)) {
            registry = RegistryClients.forConfig(configs);
        }
        autoRegister = RegistryClients.booleanConfig(configs, AvroSerdes.AUTO_REGISTER_SCHEMAS, true);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        SchemaRegistryClient client = registry;
        if (client == null) {
            throw new IllegalStateException("AvroSerializer is not configured: set "
                    + AvroSerdes.SCHEMA_REGISTRY_URL + " or pass a SchemaRegistryClient");
        }
        Schema schema = record.getSchema();
        String subject = AvroSerdes.subject(topic, isKey);
        int id = autoRegister ? client.register(subject, schema) : client.lookupId(subject, schema);

        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(WireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writerFor(record).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            // Avro names the field at fault, e.g. "null value for (non-nullable) string at ProductEvent.eventId".
            throw new SerializationException("Could not serialize " + schema.getFullName() + " as the "
                    + WireFormat.what(isKey, topic) + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<T> writerFor(T record) {
        return writers.computeIfAbsent(record.getSchema(), schema -> record instanceof SpecificRecordBase specific
                // The generated class's own model carries its logical-type conversions (Instant <-> long).
                ? new SpecificDatumWriter<>(schema, specific.getSpecificData())
                : new GenericDatumWriter<>(schema, GenericData.get()));
    }
}
