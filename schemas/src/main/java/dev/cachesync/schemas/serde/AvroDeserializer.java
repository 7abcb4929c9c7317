package dev.cachesync.schemas.serde;

import dev.cachesync.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads Confluent wire-format Avro frames (magic byte 0, 4-byte big-endian schema id, Avro binary), written by
 * {@link AvroSerializer} or by Confluent's {@code KafkaAvroSerializer}. The writer schema is fetched from the
 * registry by the id in the frame (cached) and resolved against the reader schema of the generated class, so a
 * record written with an older schema version is read by newer code (fields added since get their defaults).
 *
 * <p>Configuration, as Confluent's {@code KafkaAvroDeserializer}:
 * <ul>
 *   <li>{@value AvroSerdes#SCHEMA_REGISTRY_URL} (required unless a client is passed to the constructor)</li>
 *   <li>{@value AvroSerdes#SPECIFIC_AVRO_READER}: <b>default {@code true} here</b> (Confluent's default is false):
 *       return generated {@code SpecificRecord}s. The class is the one passed to the constructor, else the one
 *       named by {@value AvroSerdes#SPECIFIC_AVRO_VALUE_TYPE} / {@value AvroSerdes#SPECIFIC_AVRO_KEY_TYPE}, else
 *       the generated class with the writer schema's full name. {@code false} returns
 *       {@code GenericRecord}s in the writer's schema.</li>
 * </ul>
 * {@code dev.cachesync.events} is added to Avro's trusted packages ({@code org.apache.avro.SERIALIZABLE_PACKAGES},
 * appended to what the user set, never replacing it), so users need not set anything.
 *
 * <p>{@code null} becomes {@code null} (tombstones). A frame that is not in the wire format raises a
 * {@link WireFormatException} saying why; an unknown schema id raises
 * {@link dev.cachesync.schemas.registry.UnknownSchemaException}. Thread-safe once configured.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

    static {
        // Before any SpecificDatumReader is initialised by this class: Avro 1.12.1 reads the property once.
        TrustedPackages.trustGlobally(TrustedPackages.EVENTS_PACKAGE);
    }

    private volatile SchemaRegistryClient registry;
    private volatile Class<?> type;
    private volatile boolean specific = true;
    private volatile boolean isKey;
    private final Map<Integer, DatumReader<Object>> readersBySchemaId = new ConcurrentHashMap<>();

    /** For Kafka to instantiate from configuration; {@link #configure} must set the registry URL. */
    public AvroDeserializer() {
    }

    /** Reads records as {@code type}; {@link #configure} must set the registry URL. */
    public AvroDeserializer(Class<T> type) {
        this.type = requireSpecific(Objects.requireNonNull(type, "type"));
    }

    /** Reads records as {@code type} with the given client; needs no configuration. */
    public AvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
        this(type);
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null || configs.containsKey(AvroSerdes.SCHEMA_REGISTRY_URL)) {
            registry = RegistryClients.forConfig(configs);
        }
        specific = RegistryClients.booleanConfig(configs, AvroSerdes.SPECIFIC_AVRO_READER, true);
        String typeKey = isKey ? AvroSerdes.SPECIFIC_AVRO_KEY_TYPE : AvroSerdes.SPECIFIC_AVRO_VALUE_TYPE;
        Object configuredType = configs.get(typeKey);
        if (configuredType != null) {
            type = requireSpecific(loadClass(typeKey, configuredType));
        }
        this.isKey = isKey;
        readersBySchemaId.clear();
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        WireFormat.Frame frame = WireFormat.parse(data, topic, isKey);
        DatumReader<Object> reader = readerFor(frame.schemaId(), topic);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, frame.bodyOffset(), frame.bodyLength(), null);
        Object record;
        try {
            record = reader.read(null, decoder);
        } catch (SecurityException e) {
            throw new SerializationException("Avro refused to instantiate a class for schema id " + frame.schemaId()
                    + " on the " + WireFormat.what(isKey, topic) + " (add its package to the system property "
                    + TrustedPackages.PROPERTY + "): " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw corruptBody(frame, topic, String.valueOf(e), e);
        }
        try {
            if (!decoder.isEnd()) {
                throw corruptBody(frame, topic, "bytes are left over after the record", null);
            }
        } catch (IOException e) {
            throw corruptBody(frame, topic, String.valueOf(e), e);
        }
        return (T) record;
    }

    private WireFormatException corruptBody(WireFormat.Frame frame, String topic, String detail, Throwable cause) {
        return new WireFormatException(WireFormatException.Reason.CORRUPT_BODY,
                "The Avro body of the " + WireFormat.what(isKey, topic) + " (" + frame.bodyLength()
                        + " bytes after the header, writer schema id " + frame.schemaId()
                        + ") is truncated or corrupt: " + detail, cause);
    }

    private DatumReader<Object> readerFor(int schemaId, String topic) {
        DatumReader<Object> reader = readersBySchemaId.get(schemaId);
        if (reader == null) {
            SchemaRegistryClient client = registry;
            if (client == null) {
                throw new IllegalStateException("AvroDeserializer is not configured: set "
                        + AvroSerdes.SCHEMA_REGISTRY_URL + " or pass a SchemaRegistryClient");
            }
            Schema writer = client.getSchemaById(schemaId);
            reader = specific ? specificReader(schemaId, writer, topic) : new GenericDatumReader<>(writer, writer,
                    GenericData.get());
            readersBySchemaId.putIfAbsent(schemaId, reader);
        }
        return reader;
    }

    private DatumReader<Object> specificReader(int schemaId, Schema writer, String topic) {
        Class<?> readerClass = type != null ? type : SpecificData.get().getClass(writer);
        if (readerClass == null || !SpecificRecord.class.isAssignableFrom(readerClass)) {
            throw new SerializationException("No generated Avro class " + writer.getFullName() + " on the classpath"
                    + " to read writer schema id " + schemaId + " on the " + WireFormat.what(isKey, topic)
                    + "; add it, or set " + AvroSerdes.SPECIFIC_AVRO_READER + "=false to read GenericRecords");
        }
        SpecificData model = SpecificData.getForClass(readerClass); // carries the class's logical-type conversions
        Schema readerSchema = model.getSchema(readerClass);
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerializationException("Writer schema id " + schemaId + " (" + writer.getFullName()
                    + ") on the " + WireFormat.what(isKey, topic) + " cannot be read as " + readerClass.getName()
                    + ": " + compatibility.getResult().getIncompatibilities());
        }
        SpecificDatumReader<Object> reader = new SpecificDatumReader<>(writer, readerSchema, model);
        TrustedPackages.trust(reader, TrustedPackages.EVENTS_PACKAGE);
        if (readerClass.getPackageName().length() > 0) {
            TrustedPackages.trust(reader, readerClass.getPackageName());
        }
        return reader;
    }

    private static Class<?> loadClass(String key, Object value) {
        if (value instanceof Class<?> c) {
            return c;
        }
        try {
            return Class.forName(value.toString().trim(), false, Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader() : AvroDeserializer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigException(key, value, "no such class on the classpath");
        }
    }

    private static Class<?> requireSpecific(Class<?> type) {
        if (!SpecificRecord.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " is not a generated Avro SpecificRecord class");
        }
        return type;
    }
}
