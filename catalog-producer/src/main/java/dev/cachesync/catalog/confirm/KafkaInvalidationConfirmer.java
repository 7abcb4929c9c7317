package dev.cachesync.catalog.confirm;

import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.security.KafkaClientSecurity;
import dev.cachesync.schemas.security.RegistryAuth;
import dev.cachesync.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the invalidator's {@code InvalidationApplied} records ({@link Topics#INVALIDATIONS_APPLIED}) with a
 * consumer of its own: every partition assigned, no consumer group (each catalog instance must see every record,
 * and nothing is committed), from the topic's end when it starts. A wait completes when a record names the write's
 * event id in {@code sourceEventIds}.
 *
 * <p>The invalidator publishes these records after Redis acknowledged the purge, as an audit trail that is never
 * allowed to hold invalidation back: a record it could not publish makes the wait time out, which the API then
 * reports as unconfirmed. That errs on the safe side.
 *
 * <p>Metrics: {@code catalog.invalidation.wait} (a timer) with {@code result=confirmed|timed_out}.
 */
public final class KafkaInvalidationConfirmer implements InvalidationConfirmer {
    private static final Logger log = LoggerFactory.getLogger(KafkaInvalidationConfirmer.class);
    /** Event ids applied recently, for a record that arrives before its writer starts waiting. */
    private static final int RECENT_IDS = 50_000;
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<InvalidationApplied> applied;
    private final Map<String, CompletableFuture<Boolean>> waiting = new ConcurrentHashMap<>();
    private final Map<String, Boolean> recent = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RECENT_IDS;
        }
    };
    private final Timer confirmed;
    private final Timer timedOut;
    private final Thread poller;
    /**
     * Where waits complete, and so where the HTTP answers are written: never the consumer's thread (a slow client
     * would hold every other confirmation back) nor the JDK's single timeout thread.
     */
    private final ExecutorService answers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "catalog-invalidation-answer");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;
    private volatile boolean following;
    private boolean warned;

    private KafkaInvalidationConfirmer(String bootstrapServers, String registryUrl, KafkaClientSecurity security,
                                       RegistryAuth registryAuth, MeterRegistry meters) {
        this.applied = AvroSerdes.serde(InvalidationApplied.class, registryUrl, registryAuth).deserializer();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "catalog-confirm-" + UUID.randomUUID().toString().substring(0, 8));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // A waiting write is answered as soon as its record arrives, not after a fetch's default 500 ms.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        // The invalidator owns this topic and its settings: following it must never create it.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumer = new KafkaConsumer<>(security.addTo(config), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.confirmed = timer(meters, "confirmed");
        this.timedOut = timer(meters, "timed_out");
        this.poller = new Thread(this::run, "catalog-invalidation-confirmer");
        poller.setDaemon(true);
    }

    private static Timer timer(MeterRegistry meters, String result) {
        return Timer.builder("catalog.invalidation.wait")
                .description("Writes with Prefer: wait-for-invalidation, by whether the invalidator confirmed the"
                        + " change in time, and how long they waited")
                .tag("result", result)
                .register(meters);
    }

    /**
     * Starts following the topic in the background; a Kafka or registry that is not there yet only delays that
     * (waits meanwhile time out), it never fails the catalog.
     */
    public static KafkaInvalidationConfirmer start(String bootstrapServers, String registryUrl,
                                                   KafkaClientSecurity security, RegistryAuth registryAuth,
                                                   MeterRegistry meters) {
        KafkaInvalidationConfirmer confirmer = new KafkaInvalidationConfirmer(bootstrapServers, registryUrl, security,
                registryAuth, meters);
        confirmer.poller.start();
        return confirmer;
    }

    /** Whether it follows the topic yet: a wait started before may miss its record and time out. */
    public boolean following() {
        return following;
    }

    @Override
    public CompletableFuture<Boolean> await(String eventId, Duration timeout) {
        long started = System.nanoTime();
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        // Registered first, then the recent ids checked: the poller adds to recent before it looks for waiters,
        // so one of the two always sees the other.
        waiting.put(eventId, done);
        boolean seen;
        synchronized (recent) {
            seen = recent.containsKey(eventId);
        }
        if (seen) {
            done.complete(true);
        }
        done.completeOnTimeout(false, timeout.toNanos(), TimeUnit.NANOSECONDS);
        return done.whenCompleteAsync((ok, error) -> {
            waiting.remove(eventId, done);
            (Boolean.TRUE.equals(ok) ? confirmed : timedOut).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }, answers);
    }

    private void run() {
        try {
            while (running && !follow()) {
                LockSupport.parkNanos(RETRY.toNanos()); // the topic is not there yet: try again
            }
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    take(record);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                log.error("following {} stopped; writes asking to wait for invalidation will time out: {}",
                        Topics.INVALIDATIONS_APPLIED, e.toString());
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Assigns every partition from its current end; false while the topic cannot be found. */
    private boolean follow() {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(Topics.INVALIDATIONS_APPLIED, Duration.ofSeconds(5));
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            // Said once (an authorization error will not go away by itself), then quietly retried.
            if (!warned) {
                warned = true;
                log.warn("cannot follow {} yet, writes asking to wait for invalidation end unconfirmed until it can"
                        + " (needs READ on the topic, docs/transport-security.md): {}", Topics.INVALIDATIONS_APPLIED,
                        e.toString());
            }
            return false;
        }
        if (infos == null || infos.isEmpty()) {
            return false;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve "the end" now, before any wait relies on it
        following = true;
        log.info("following {} ({} partitions) to confirm invalidations", Topics.INVALIDATIONS_APPLIED,
                partitions.size());
        return true;
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return;
        }
        InvalidationApplied purge;
        try {
            purge = applied.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            log.warn("cannot decode {} at {}-{}@{}: {}", record.topic(), record.topic(), record.partition(),
                    record.offset(), e.toString());
            return;
        }
        for (CharSequence id : purge.getSourceEventIds()) {
            String eventId = id.toString();
            synchronized (recent) {
                recent.put(eventId, Boolean.TRUE);
            }
            CompletableFuture<Boolean> done = waiting.get(eventId);
            if (done != null) {
                done.complete(true);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            poller.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waiting.values().forEach(f -> f.complete(false));
        answers.shutdown();
    }
}
