package dev.cachesync.invalidator.apply;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.cachesync.invalidator.DeadLetters;
import dev.cachesync.invalidator.SourceRecord;
import dev.cachesync.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Dead letters of failed purges, written and acknowledged before the batch's offsets can be committed. */
public final class KafkaDeadLetterPublisher implements DeadLetterPublisher {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);
    private final Producer<byte[], byte[]> producer;

    public KafkaDeadLetterPublisher(Map<String, Object> producerConfig) {
        this.producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void publish(SourceRecord source, String reason, String detail) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.DEAD_LETTERS, null, source.key(),
                source.value(), DeadLetters.headers(source, reason, detail));
        try {
            producer.send(record).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering " + where(source), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not dead-letter " + where(source) + ": " + e, e);
        }
    }

    private static String where(SourceRecord source) {
        return source.topic() + "-" + source.partition() + "@" + source.offset();
    }

    @Override
    public void close() {
        producer.close();
    }
}
