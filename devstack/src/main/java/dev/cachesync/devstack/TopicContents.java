package dev.cachesync.devstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads what a topic holds, for tests and benchmarks that check what was published. */
public final class TopicContents {
    private TopicContents() {
    }

    /** Every record of the topic, from the beginning to its end at the time of the call, partition by partition. */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(String bootstrapServers, String topic,
                                                            Deserializer<K> keys, Deserializer<V> values) {
        return read(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, keys, values);
    }

    /** The same on any broker, secured or not: read as its super user. */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(KafkaBroker broker, String topic,
                                                            Deserializer<K> keys, Deserializer<V> values) {
        return read(broker.superUserProperties(), topic, keys, values);
    }

    private static <K, V> List<ConsumerRecord<K, V>> read(Map<String, Object> client, String topic,
                                                         Deserializer<K> keys, Deserializer<V> values) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
