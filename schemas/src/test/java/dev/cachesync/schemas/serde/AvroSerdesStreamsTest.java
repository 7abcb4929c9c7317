package dev.cachesync.schemas.serde;

import dev.cachesync.devstack.DevStackExtension;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.testing.SampleEvents;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A minimal Kafka Streams application with {@link AvroSerdes} on the real broker and registry. */
@ExtendWith(DevStackExtension.class)
class AvroSerdesStreamsTest {

    @Test
    void mapValuesFromOneTopicToAnotherWithAvroSerdes(KafkaBroker kafka, SchemaRegistry registry,
                                                       @TempDir Path stateDir) throws Exception {
        String id = UUID.randomUUID().toString();
        String input = "streams-in-" + id;
        String output = "streams-out-" + id;
        kafka.createTopic(input, 1);
        kafka.createTopic(output, 1);
        Serde<ProductEvent> events = AvroSerdes.serde(ProductEvent.class, registry.url());

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), events))
                .mapValues(event -> ProductEvent.newBuilder(event).setSource("enriched-by-streams").build())
                .to(output, Produced.with(Serdes.String(), events));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "schemas-streams-test-" + id);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

        ProductEvent event = SampleEvents.productUpdated("p-200", 4);
        List<ProductEvent> out = new ArrayList<>();
        CountDownLatch running = new CountDownLatch(1);
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    running.countDown();
                }
            });
            streams.start();
            assertThat(running.await(60, TimeUnit.SECONDS)).as("streams reached RUNNING").isTrue();

            try (KafkaProducer<String, ProductEvent> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    Serdes.String().serializer(), events.serializer())) {
                producer.send(new ProducerRecord<>(input, event.getProductId(), event)).get();
            }

            try (KafkaConsumer<String, ProductEvent> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    Serdes.String().deserializer(), events.deserializer())) {
                TopicPartition partition = new TopicPartition(output, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    for (ConsumerRecord<String, ProductEvent> record : consumer.poll(Duration.ofMillis(200))) {
                        out.add(record.value());
                    }
                    return !out.isEmpty();
                });
            }
            streams.close(Duration.ofSeconds(20));
        }

        assertThat(out).containsExactly(ProductEvent.newBuilder(event).setSource("enriched-by-streams").build());
    }
}
