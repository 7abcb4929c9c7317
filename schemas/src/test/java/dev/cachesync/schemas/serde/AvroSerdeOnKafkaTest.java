package dev.cachesync.schemas.serde;

import dev.cachesync.devstack.DevStackExtension;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.registry.IncompatibleSchemaException;
import dev.cachesync.schemas.registry.SchemaRegistryClient;
import dev.cachesync.schemas.testing.SampleEvents;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The serde on the real broker and the real registry of devstack, configured the way Confluent users do. */
@ExtendWith(DevStackExtension.class)
class AvroSerdeOnKafkaTest {

    private static KafkaBroker kafka;
    private static SchemaRegistry registry;

    @BeforeAll
    static void stack(KafkaBroker broker, SchemaRegistry schemaRegistry) {
        kafka = broker;
        registry = schemaRegistry;
    }

    private static String newTopic() {
        String topic = "serde-test-" + UUID.randomUUID();
        kafka.createTopic(topic, 1);
        return topic;
    }

    private static Map<String, Object> producerConfig(Class<?> valueSerializer) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, valueSerializer);
        config.put(AvroSerdes.SCHEMA_REGISTRY_URL, registry.url());
        return config;
    }

    private static KafkaConsumer<String, ProductEvent> consumer(String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(AvroSerdes.SCHEMA_REGISTRY_URL, registry.url());
        KafkaConsumer<String, ProductEvent> consumer = new KafkaConsumer<>(config);
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    /** Polls until {@code count} values arrived. */
    private static List<ProductEvent> consume(String topic, int count) {
        List<ProductEvent> values = new ArrayList<>();
        try (KafkaConsumer<String, ProductEvent> consumer = consumer(topic)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= count;
            });
        }
        return values;
    }

    @Test
    void aProducedProductEventIsConsumedBackEqual() throws Exception {
        String topic = newTopic();
        ProductEvent event = SampleEvents.productUpdated("p-100", 12);

        try (KafkaProducer<String, ProductEvent> producer = new KafkaProducer<>(producerConfig(AvroSerializer.class))) {
            producer.send(new ProducerRecord<>(topic, event.getProductId(), event)).get();
        }

        assertThat(consume(topic, 1)).containsExactly(event);
        assertThat(SchemaRegistryClient.create(registry.url())
                .lookupId(AvroSerdes.subject(topic, false), ProductEvent.getClassSchema())).isPositive();
    }

    @Test
    void aV1ProductEventOnTheTopicIsReadByTheCurrentCode() throws Exception {
        String topic = newTopic();
        ProductEvent old = SampleEvents.productUpdated("p-101", 2);
        ProductEvent current = SampleEvents.productUpdated("p-101", 3);

        // An old producer that only knows ProductEvent v1, then today's producer with v2 (registry: BACKWARD).
        try (KafkaProducer<String, GenericRecord> v1Producer = new KafkaProducer<>(producerConfig(AvroSerializer.class));
             KafkaProducer<String, ProductEvent> v2Producer = new KafkaProducer<>(producerConfig(AvroSerializer.class))) {
            v1Producer.send(new ProducerRecord<>(topic, old.getProductId(), SampleEvents.asProductEventV1(old))).get();
            v2Producer.send(new ProducerRecord<>(topic, current.getProductId(), current)).get();
        }

        List<ProductEvent> read = consume(topic, 2);
        assertThat(read.get(0).getTraceId()).isNull();
        assertThat(read).containsExactly(SampleEvents.withoutTraceId(old), current);
    }

    @Test
    void producingAnIncompatibleSchemaIsRefusedByTheRegistry() {
        String topic = newTopic();
        // The subject already holds a ProductEvent without productId & co. The current class adds required
        // fields without defaults, so it could not read what was written: BACKWARD refuses it.
        SchemaRegistryClient.create(registry.url()).register(AvroSerdes.subject(topic, false),
                SchemaBuilder.record("ProductEvent").namespace("dev.cachesync.events").fields()
                        .requiredString("eventId").endRecord());

        try (KafkaProducer<String, ProductEvent> producer = new KafkaProducer<>(producerConfig(AvroSerializer.class))) {
            ProductEvent event = SampleEvents.productUpdated("p-102", 2);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "p-102", event)))
                    .isInstanceOf(IncompatibleSchemaException.class)
                    .hasMessageContaining(AvroSerdes.subject(topic, false));
        }
    }

    @Test
    void badFramesOnTheTopicEachSayWhatIsWrongAndCanBeSkipped() throws Exception {
        String topic = newTopic();
        ProductEvent good = SampleEvents.productUpdated("p-103", 5);
        AvroSerializer<ProductEvent> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, registry.url()), false);
        byte[] frame = serializer.serialize(topic, good);
        List<byte[]> raw = List.of(
                new byte[0],
                new byte[] {0, 0, 0},
                "{\"productId\":\"p-103\"}".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(frame, frame.length - 8),
                frame);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(ByteArraySerializer.class))) {
            for (byte[] value : raw) {
                producer.send(new ProducerRecord<>(topic, "p-103", value)).get();
            }
        }

        List<WireFormatException.Reason> reasons = new ArrayList<>();
        List<ProductEvent> values = new ArrayList<>();
        try (KafkaConsumer<String, ProductEvent> consumer = consumer(topic)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try {
                    for (ConsumerRecord<String, ProductEvent> record : consumer.poll(Duration.ofMillis(200))) {
                        values.add(record.value());
                    }
                } catch (RecordDeserializationException e) {
                    assertThat(e.getCause()).isInstanceOf(WireFormatException.class)
                            .hasMessageContaining("value on topic '" + topic + "'");
                    reasons.add(((WireFormatException) e.getCause()).reason());
                    consumer.seek(e.topicPartition(), e.offset() + 1); // skip it; the rest is not lost
                }
                return !values.isEmpty();
            });
        }

        assertThat(reasons).containsExactly(WireFormatException.Reason.EMPTY, WireFormatException.Reason.TOO_SHORT,
                WireFormatException.Reason.WRONG_MAGIC_BYTE, WireFormatException.Reason.CORRUPT_BODY);
        assertThat(values).containsExactly(good);
    }
}
