package dev.cachesync.invalidator.apply;

import java.util.Map;

import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link InvalidationApplied} records. It is an audit trail of purges already acknowledged by Redis, so a
 * failed send is logged, and never holds back the invalidation itself: neither when Kafka refuses the record
 * later nor when {@code send} itself throws (the serializer cannot register the schema while the registry is
 * down, found by the fault suite: the stream thread died and was replaced with backoff for the whole outage).
 */
public final class KafkaAppliedPublisher implements AppliedPublisher {
    private static final Logger log = LoggerFactory.getLogger(KafkaAppliedPublisher.class);
    private final Producer<String, InvalidationApplied> producer;

    public KafkaAppliedPublisher(Map<String, Object> producerConfig, Serializer<InvalidationApplied> serializer) {
        this(new KafkaProducer<>(producerConfig, new StringSerializer(), serializer));
    }

    KafkaAppliedPublisher(Producer<String, InvalidationApplied> producer) {
        this.producer = producer;
    }

    @Override
    public void publish(InvalidationApplied applied) {
        try {
            producer.send(new ProducerRecord<>(Topics.INVALIDATIONS_APPLIED, applied.getPurgeId(), applied),
                    (metadata, error) -> {
                        if (error != null) {
                            log.warn("could not record applied purge {}: {}", applied.getPurgeId(), error.toString());
                        }
                    });
        } catch (RuntimeException e) {
            log.warn("could not record applied purge {}: {}", applied.getPurgeId(), e.toString());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
