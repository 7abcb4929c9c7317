package dev.cachesync.invalidator.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.InvalidationCommand;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.invalidator.DecodeRetries;
import dev.cachesync.invalidator.EventDecoder;
import dev.cachesync.invalidator.UnappliedInvalidations;
import dev.cachesync.invalidator.InvalidatorMetrics;
import dev.cachesync.invalidator.InvalidatorTopology;
import dev.cachesync.invalidator.apply.BatchApplier;
import dev.cachesync.invalidator.apply.InvalidationSink;
import dev.cachesync.invalidator.apply.KafkaAppliedPublisher;
import dev.cachesync.invalidator.apply.KafkaDeadLetterPublisher;
import dev.cachesync.invalidator.apply.RetryPolicy;
import dev.cachesync.invalidator.heal.Reapplier;
import dev.cachesync.invalidator.heal.RedisHealer;
import dev.cachesync.invalidator.apply.RedisInvalidationSink;
import dev.cachesync.runtime.HealthServer;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invalidator process: Kafka Streams topology, Redis purges, health and metrics over HTTP, clean shutdown.
 * Several instances with the same application id share the input partitions.
 */
public final class InvalidatorApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InvalidatorApp.class);

    private final InvalidatorConfig config;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final RedissonClient redisson;
    private final InvalidationSink sink;
    private final KafkaAppliedPublisher publisher;
    private final KafkaDeadLetterPublisher deadLetters;
    private final PrometheusMeterRegistry meters;
    private final KafkaStreams streams;
    private final HealthServer health;
    private final UnappliedInvalidations unapplied = UnappliedInvalidations.systemClock();
    private final ThreadReplacements replacements = new ThreadReplacements();
    /** Set when Kafka refused the credentials or the rights; the stream threads are stopped then. */
    private final AtomicReference<KafkaRefusal> kafkaRefusal = new AtomicReference<>();
    private final Admin admin;
    private final RedisHealer healer;
    private final ScheduledExecutorService healChecks = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "invalidator-heal-check");
        thread.setDaemon(true);
        return thread;
    });

    private InvalidatorApp(InvalidatorConfig config) {
        this.config = config;
        this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        InvalidatorMetrics metrics = new InvalidatorMetrics(meters);
        metrics.watch(unapplied);
        metrics.watchKafkaRefusals(java.util.Arrays.stream(KafkaRefusal.Kind.values()).map(KafkaRefusal.Kind::label).toList());
        if (config.createTopics()) {
            createTopics(config);
        }
        // Lazy: the invalidator starts even while Redis is down; purges wait and retry until it answers.
        this.redisson = config.redis().createRedisson();
        this.sink = new RedisInvalidationSink(redisson, config.redis().keyPrefix(), config.redisWaitReplicas(),
                config.redisWaitTimeout(), config.redis().clusterSegments());
        this.publisher = new KafkaAppliedPublisher(producerConfig(config, "-applied"),
                AvroSerdes.serde(InvalidationApplied.class, config.schemaRegistryUrl(), config.registryAuth()).serializer());
        this.deadLetters = new KafkaDeadLetterPublisher(producerConfig(config, "-dead-letters"));
        Supplier<EventDecoder> decoders = () -> new EventDecoder(
                AvroSerdes.serde(ProductEvent.class, config.schemaRegistryUrl(), config.registryAuth()).deserializer(),
                AvroSerdes.serde(InvalidationCommand.class, config.schemaRegistryUrl(), config.registryAuth()).deserializer());
        DecodeRetries decodeRetries = new DecodeRetries(config.unknownSchemaWindow(), DecodeRetries.DEFAULT_BACKOFF,
                running::get, System::nanoTime);
        // Re-applying after a Redis data loss goes through an applier that records no offsets: the healer does.
        BatchApplier reapplier = new BatchApplier(sink, publisher, deadLetters, metrics, Clock.systemUTC(),
                RetryPolicy.defaults(), running::get);
        this.admin = Admin.create(config.kafkaSecurity().addTo(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers())));
        this.healer = new RedisHealer(sink, new Reapplier(consumerConfig(config), decoders, decodeRetries, reapplier,
                config.batching(), running::get), this::committedOffsets, config.healMaxRecords(), metrics, running::get);
        BatchApplier applier = new BatchApplier(sink, publisher, deadLetters, metrics, Clock.systemUTC(),
                RetryPolicy.defaults(), running::get, healer);
        java.util.Set<String> appendTimeTopics = appendTimeTopics(admin);
        var topology = InvalidatorTopology.build(config.batching(), decoders, applier::apply, metrics, decodeRetries,
                unapplied, appendTimeTopics::contains);
        this.streams = new KafkaStreams(topology, streamsConfig(config));
        streams.setUncaughtExceptionHandler(error -> {
            if (!running.get()) {
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            var refused = KafkaRefusal.of(error);
            if (refused.isPresent()) {
                // A new thread would be refused alike, and fixed credentials are read only at start: stop and say
                // why (readiness and liveness go red; the platform restarts the process). No stack trace: the
                // reason is the whole story, and it is cleaned of anything that looks like a password.
                kafkaRefusal.set(refused.get());
                metrics.kafkaRefused(refused.get().kind().label());
                log.error("Kafka refused the invalidator, stopping its stream threads: {}", refused.get().reason());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            // Uncommitted records are read again by the new thread: nothing is lost. Backing off first keeps a
            // failure that repeats at once from replacing threads (and rebalancing the group) in a tight loop.
            Duration delay = replacements.delayFor(System.nanoTime());
            log.error("stream thread failed, replacing it in {} ms", delay.toMillis(), error);
            long until = System.nanoTime() + delay.toNanos();
            try {
                while (running.get() && System.nanoTime() < until) {
                    Thread.sleep(100); // in steps: a shutdown meanwhile must not wait for the whole backoff
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return running.get() ? StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD
                    : StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        this.health = new HealthServer("invalidator", "INVALIDATOR_HTTP_PORT", config.httpPort(), this::liveness, this::readiness,
                meters::scrape);
        streams.start();
        // On start and then periodically: did Redis lose acknowledged purges (older snapshot, failover)?
        healChecks.scheduleWithFixedDelay(this::checkForRedisDataLoss, 0, config.healCheckInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("invalidator started: kafka={} ({}) redis={} prefix={} http port={}", config.kafkaBootstrapServers(),
                config.kafkaSecurity().securityProtocol(), config.redis().uri(), config.redis().keyPrefix(), health.port());
    }

    public static InvalidatorApp start(InvalidatorConfig config) {
        return new InvalidatorApp(config);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public int httpPort() {
        return health.port();
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    HealthServer.Status liveness() {
        KafkaStreams.State state = streams.state();
        // Refused by Kafka: dead from the moment the threads are told to stop, before Streams reaches ERROR.
        boolean ok = kafkaRefusal.get() == null && state != KafkaStreams.State.ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
        return new HealthServer.Status(ok, refusalPrefix() + "streams " + state);
    }

    /**
     * Ready when Kafka accepted the credentials and rights, Streams runs, Redis answers, and no invalidation has
     * waited longer than {@link InvalidatorConfig#stuckAfter()} (Redis refusing purges, the registry down, a purge
     * that keeps failing).
     */
    HealthServer.Status readiness() {
        KafkaRefusal refused = kafkaRefusal.get();
        if (refused != null) {
            return new HealthServer.Status(false, refusalPrefix() + "streams " + streams.state());
        }
        KafkaStreams.State state = streams.state();
        boolean redisUp = sink.isAvailable();
        Duration oldest = unapplied.oldestAge();
        boolean stuck = oldest.compareTo(config.stuckAfter()) > 0;
        return new HealthServer.Status(state == KafkaStreams.State.RUNNING && redisUp && !stuck,
                "streams " + state + ", redis " + (redisUp ? "answering" : "not answering")
                        + ", oldest unapplied invalidation " + oldest.toMillis() + " ms old"
                        + (stuck ? " (stuck: over " + config.stuckAfter().toMillis() + " ms)" : ""));
    }

    /** Why Kafka refused this instance, for the probes; empty when it did not. */
    private String refusalPrefix() {
        KafkaRefusal refused = kafkaRefusal.get();
        return refused == null ? "" : refused.reason() + "; ";
    }

    private void checkForRedisDataLoss() {
        try {
            healer.healIfBehind();
        } catch (RuntimeException e) {
            // Redis or Kafka not answering: the purges wait for them anyway; the next check tries again.
            log.debug("heal check skipped: {}", e.toString());
        }
    }

    /** The group's committed offsets of the input topics, by "topic-partition". */
    private Map<String, Long> committedOffsets() {
        try {
            Map<String, Long> offsets = new java.util.HashMap<>();
            admin.listConsumerGroupOffsets(config.applicationId()).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS).forEach((tp, offset) -> {
                        if (offset != null && (tp.topic().equals(Topics.PRODUCT_EVENTS)
                                || tp.topic().equals(Topics.INVALIDATION_COMMANDS))) {
                            offsets.put(RedisHealer.source(tp.topic(), tp.partition()), offset.offset());
                        }
                    });
            return offsets;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading committed offsets", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read committed offsets: " + e, e);
        }
    }

    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        log.info("invalidator stopping");
        // Leave the group so that the partitions move to the other instances at once, not after the session timeout.
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        healChecks.shutdownNow();
        health.close();
        admin.close();
        publisher.close();
        deadLetters.close();
        redisson.shutdown();
        log.info("invalidator stopped");
    }

    static Properties streamsConfig(InvalidatorConfig config) {
        Properties props = new Properties();
        // Streams hands these to its consumer, producer and admin client alike.
        props.putAll(config.kafkaSecurity().properties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) config.commitInterval().toMillis());
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // Purges should follow changes within milliseconds: do not wait for fuller fetches, and do not block in
        // poll() longer than a batch may linger: the linger punctuator only runs between two polls.
        props.put(StreamsConfig.consumerPrefix("fetch.max.wait.ms"), 50);
        props.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1, config.batching().linger().toMillis()));
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        // Surviving a broker loss: Streams' internal topics get the configured copies (-1: the broker's default),
        // and what its producer writes is on every in-sync replica before it counts (Kafka's default, made explicit
        // so an override elsewhere cannot weaken it).
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
        // A SIGKILLed instance never leaves the group: its partitions (and every invalidation on them) wait for
        // the session to time out. Heartbeats stay at Kafka's 3 s (members learn of rebalances through them), at
        // most a third of the session.
        int session = (int) config.sessionTimeout().toMillis();
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), session);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                Math.max(1, Math.min(3_000, session / 3)));
        return props;
    }

    /** For re-reading input ranges: no group, nothing committed. */
    private static Map<String, Object> consumerConfig(InvalidatorConfig config) {
        return config.kafkaSecurity().addTo(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-heal"));
    }

    /**
     * The applied and dead-letter producers: acks=all and idempotent, so a record survives the loss of its leader
     * and a retry through a broker failover neither duplicates nor reorders it.
     */
    static Map<String, Object> producerConfig(InvalidatorConfig config, String clientSuffix) {
        return config.kafkaSecurity().addTo(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + clientSuffix));
    }

    /** The input topics' timestamp type: the broker's append time is what the Kafka-append hop is read from. */
    static final Map<String, String> INPUT_TOPIC_CONFIG = Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");

    /**
     * The input topics whose record timestamps are the broker's append time. Read once at start; on a topic that
     * keeps CreateTime the Kafka-append hop is not measured (relay to invalidator is then one hop), and it says so.
     */
    private static java.util.Set<String> appendTimeTopics(Admin admin) {
        java.util.Set<String> appendTime = new java.util.HashSet<>();
        List<ConfigResource> inputs = java.util.stream.Stream.of(Topics.PRODUCT_EVENTS, Topics.INVALIDATION_COMMANDS)
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        try {
            admin.describeConfigs(inputs).all().get(30, TimeUnit.SECONDS).forEach((resource, topicConfig) -> {
                var type = topicConfig.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
                if (type != null && "LogAppendTime".equals(type.value())) {
                    appendTime.add(resource.name());
                } else {
                    log.info("topic {} keeps CreateTime: the relay-to-kafka and kafka-to-invalidator hops are not "
                            + "measured (kafka-configs --alter --entity-type topics --entity-name {} --add-config "
                            + "message.timestamp.type=LogAppendTime, then restart, to measure them)",
                            resource.name(), resource.name());
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("cannot read the input topics' timestamp type, the Kafka-append hop is not measured: {}", e.toString());
        }
        return appendTime;
    }

    private static void createTopics(InvalidatorConfig config) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : List.of(Topics.PRODUCT_EVENTS, Topics.INVALIDATION_COMMANDS, Topics.INVALIDATIONS_APPLIED,
                Topics.DEAD_LETTERS)) {
            // -1: the broker's default.replication.factor (and min.insync.replicas) applies.
            NewTopic topic = new NewTopic(name, config.topicPartitions(), (short) config.replicationFactor());
            if (name.equals(Topics.PRODUCT_EVENTS) || name.equals(Topics.INVALIDATION_COMMANDS)) {
                topic.configs(INPUT_TOPIC_CONFIG); // stream time is not used (wall-clock linger), only the hop
            }
            topics.add(topic);
        }
        try (Admin admin = Admin.create(config.kafkaSecurity().addTo(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers())))) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // Another instance may have created them at the same moment; Streams reports what is really missing.
            log.warn("could not create topics: {}", e.toString());
        }
    }
}
