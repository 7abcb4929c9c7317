package dev.cachesync.benchmarks;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.cachesync.catalog.publish.ProductEventProducerSettings;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import dev.cachesync.schemas.HopHeaders;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.DistributionSummary;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Invalidator throughput with 1, 2 and 3 instances sharing the partitions of product-events: one backlog, drained
 * by each setup in turn (each a new application id, so each reads it from the start), every instance a separate
 * Kafka Streams app in this JVM with the invalidator's real topology and Redis purger ({@link InvalidatorApp}).
 *
 * <p>The clock starts when every instance is RUNNING and the group shows each of them owning input partitions;
 * it stops at the last event's purge acknowledgement, read from the {@code InvalidationApplied} records (their
 * {@code purgeAcknowledgedAtMicros}), so the polling of this benchmark adds nothing to the measure. Events the first
 * instances applied while the others were still joining are counted apart ("head start") and left out of the rate.
 */
final class InvalidatorScaling {
    /** Where the benchmark reads the invalidator's state from, and the Kafka it runs on. */
    interface Kafka {
        String name();

        String bootstrapServers();

        /** Copies of the topics the invalidator creates and of Kafka Streams' internal ones. */
        int replicationFactor();
    }

    /** One drain: {@code instances} invalidators, in round {@code round} (0 = warm-up, not reported). */
    record Drain(String kafka, int round, int instances, int events, int takenBeforeStart, int headStart,
                 double seconds,
                 double startUpSeconds, double purges, double applied, Map<Integer, Integer> partitionsPerInstance,
                 CpuUse.Used cpu) {
        double eventsPerSecond() {
            return (events - headStart) / seconds;
        }
    }

    private final int partitions;
    private final int events;
    private final int products;

    InvalidatorScaling(int partitions, int events, int products) {
        this.partitions = partitions;
        this.events = events;
        this.products = products;
    }

    /**
     * Creates the topics (by starting one invalidator, which creates them as in production, with {@code partitions}
     * partitions), writes the backlog with the relay's producer settings, then drains it: a warm-up with one
     * instance (JIT, registry caches; not reported), then each count of {@code rounds} in turn.
     */
    List<Drain> run(Kafka kafka, RedisServer redis, SchemaRegistry registry, List<List<Integer>> rounds)
            throws Exception {
        try (InvalidatorApp creator = start(kafka, redis, registry, "scaling-topics-" + UUID.randomUUID(),
                "scaling-topics:")) {
            awaitRunning(List.of(creator));
        }
        long writing = System.nanoTime();
        Set<String> eventIds = writeBacklog(kafka, registry);
        System.out.printf("%s: backlog of %,d events written in %.1f s%n", kafka.name(), events,
                (System.nanoTime() - writing) / 1e9);
        List<Drain> drains = new ArrayList<>();
        drains.add(drain(kafka, redis, registry, eventIds, 0, 1));
        for (int round = 0; round < rounds.size(); round++) {
            for (int instances : rounds.get(round)) {
                Drain drain = drain(kafka, redis, registry, eventIds, round + 1, instances);
                drains.add(drain);
                System.out.printf("%s round %d: %d instance(s): %.0f events/s in %.2f s (start-up %.1f s)%n",
                        kafka.name(), round + 1, instances, drain.eventsPerSecond(), drain.seconds(),
                        drain.startUpSeconds());
            }
        }
        return drains;
    }

    /** {@code events} ProductEvents for {@code products} products, keyed by product id (the relay's key). */
    private Set<String> writeBacklog(Kafka kafka, SchemaRegistry registry) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Producer<String, ProductEvent> producer = ProductEventProducerSettings
                .to(kafka.bootstrapServers(), registry.url()).clientId("scaling-backlog").create()) {
            long[] versions = new long[products];
            List<Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                int product = i % products;
                String id = "scaling-" + product;
                ProductEvent event = BacklogEvents.update("scaling-", product, ++versions[product]);
                ids.add(event.getEventId());
                acks.add(producer.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, id, event)));
            }
            for (Future<?> ack : acks) {
                ack.get(2, TimeUnit.MINUTES);
            }
        }
        return ids;
    }

    private Drain drain(Kafka kafka, RedisServer redis, SchemaRegistry registry, Set<String> eventIds, int round,
                        int instances) throws Exception {
        String applicationId = "scaling-" + instances + "-" + UUID.randomUUID();
        String prefix = "scaling-" + round + "-" + instances + ":";
        List<InvalidatorApp> apps = new ArrayList<>();
        ExecutorService starter = Executors.newFixedThreadPool(instances);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, Long> appliedFrom = appliedEnd(admin);
            long firstStart = System.nanoTime();
            // Each paused as soon as it is constructed (its Kafka Streams started), before it has joined the group:
            // on two busy cores the instances reach RUNNING seconds apart, and the first would otherwise drain much
            // of the backlog alone.
            List<Future<InvalidatorApp>> starting = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                starting.add(starter.submit(() -> {
                    InvalidatorApp app = start(kafka, redis, registry, applicationId, prefix);
                    streamsOf(app).pause();
                    return app;
                }));
            }
            for (Future<InvalidatorApp> app : starting) {
                apps.add(app.get(2, TimeUnit.MINUTES));
            }
            Map<Integer, Integer> owned = awaitSharing(admin, applicationId, apps);
            double startUpSeconds = (System.nanoTime() - firstStart) / 1e9;
            int takenBeforeStart = (int) taken(apps);
            int appliedBeforeStart = (int) sum(apps, "cachesync.invalidator.batch.size");
            long startMicros = nowMicros();
            CpuUse cpu = CpuUse.begin();
            for (InvalidatorApp app : apps) {
                streamsOf(app).resume();
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (sum(apps, "cachesync.invalidator.batch.size") < events) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(instances + " instance(s) did not drain the backlog");
                }
                Thread.sleep(20); // sampling interval of the end check; the measure comes from the records
            }
            CpuUse.Used used = cpu.end();
            Map<String, Long> acknowledged = firstAcknowledgements(kafka, registry, eventIds, appliedFrom);
            long last = acknowledged.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            int headStart = (int) acknowledged.values().stream().filter(t -> t < startMicros).count();
            double purges = apps.stream().mapToDouble(a -> a.meters().get("cachesync.invalidator.purges").counter()
                    .count()).sum();
            return new Drain(kafka.name(), round, instances, events, takenBeforeStart,
                    Math.max(headStart, appliedBeforeStart), (last - startMicros) / 1e6, startUpSeconds, purges,
                    sum(apps, "cachesync.invalidator.batch.size"), owned, used);
        } finally {
            starter.shutdownNow();
            for (InvalidatorApp app : apps) {
                app.close();
            }
        }
    }

    /**
     * The instance's KafkaStreams, to pause and resume it ({@code KafkaStreams#pause}: the consumer stays in the
     * group, no record is processed). InvalidatorApp has no such hook; a benchmark may reach in, production code
     * must not.
     */
    private static KafkaStreams streamsOf(InvalidatorApp app) {
        try {
            Field field = InvalidatorApp.class.getDeclaredField("streams");
            field.setAccessible(true);
            return (KafkaStreams) field.get(app);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("InvalidatorApp no longer holds its KafkaStreams in 'streams'", e);
        }
    }

    /**
     * Waits until every instance is RUNNING and the group is stable with each of them owning product-events
     * partitions (between the two rounds of a cooperative rebalance an instance can be RUNNING with none), every
     * partition owned. Returns how many each member owns.
     */
    private Map<Integer, Integer> awaitSharing(Admin admin, String applicationId, List<InvalidatorApp> apps)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            if (apps.stream().allMatch(a -> a.state() == KafkaStreams.State.RUNNING)) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId))
                        .describedGroups().get(applicationId).get(30, TimeUnit.SECONDS);
                Map<Integer, Integer> owned = new java.util.TreeMap<>();
                int member = 0;
                for (MemberDescription m : group.members()) {
                    owned.put(++member, (int) m.assignment().topicPartitions().stream()
                            .filter(tp -> tp.topic().equals(Topics.PRODUCT_EVENTS)).count());
                }
                boolean shared = owned.size() == apps.size() && owned.values().stream().allMatch(c -> c > 0)
                        && owned.values().stream().mapToInt(Integer::intValue).sum() == partitions;
                if (group.groupState() == GroupState.STABLE && shared
                        && apps.stream().allMatch(a -> a.state() == KafkaStreams.State.RUNNING)) {
                    return owned;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the instances never shared the partitions");
            }
            Thread.sleep(50); // sampling interval: nothing is processed meanwhile (paused)
        }
    }

    /**
     * Each event's first purge acknowledgement in this setup, from the InvalidationApplied records written since
     * {@code from} (the topic's end offsets when the setup began: earlier setups announced the same event ids).
     */
    private static Map<String, Long> firstAcknowledgements(Kafka kafka, SchemaRegistry registry, Set<String> eventIds,
                                                           Map<TopicPartition, Long> from) throws InterruptedException {
        Map<String, Long> first = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (KafkaConsumer<String, InvalidationApplied> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), AvroSerdes.serde(InvalidationApplied.class, registry.url()).deserializer())) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            // The announcement follows the purge by the applied producer's linger: read until every event is there.
            while (first.size() < eventIds.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + first.size() + " of " + eventIds.size()
                            + " events have an InvalidationApplied record");
                }
                for (ConsumerRecord<String, InvalidationApplied> record : consumer.poll(Duration.ofMillis(200))) {
                    long acknowledged = record.value().getPurgeAcknowledgedAtMicros();
                    for (String id : record.value().getSourceEventIds()) {
                        if (eventIds.contains(id)) {
                            first.merge(id, acknowledged, Math::min);
                        }
                    }
                }
            }
        }
        return first;
    }

    /** Where the InvalidationApplied topic ends now, partition by partition. */
    private static Map<TopicPartition, Long> appliedEnd(Admin admin) throws Exception {
        var partitions = admin.describeTopics(List.of(Topics.INVALIDATIONS_APPLIED)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(Topics.INVALIDATIONS_APPLIED).partitions();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(new TopicPartition(Topics.INVALIDATIONS_APPLIED, p.partition()),
                OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }

    /** Events the instances have taken from Kafka (decoded, into a batch or dead-lettered). */
    private static double taken(List<InvalidatorApp> apps) {
        return apps.stream().flatMap(a -> a.meters().find("cachesync.invalidator.events").counters().stream())
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private static double sum(List<InvalidatorApp> apps, String summary) {
        double total = 0;
        for (InvalidatorApp app : apps) {
            DistributionSummary s = app.meters().find(summary).summary();
            total += s == null ? 0 : s.totalAmount();
        }
        return total;
    }

    private InvalidatorApp start(Kafka kafka, RedisServer redis, SchemaRegistry registry, String applicationId,
                                 String prefix) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port()),
                "REDIS_KEY_PREFIX", prefix,
                "INVALIDATOR_APPLICATION_ID", applicationId,
                "INVALIDATOR_HTTP_PORT", "0",
                "INVALIDATOR_STATE_DIR", Files.createTempDirectory("scaling-invalidator").toString(),
                "INVALIDATOR_TOPIC_PARTITIONS", String.valueOf(partitions),
                "INVALIDATOR_REPLICATION_FACTOR", String.valueOf(kafka.replicationFactor())));
        return InvalidatorApp.start(InvalidatorConfig.fromEnv(env));
    }

    private static void awaitRunning(List<InvalidatorApp> apps) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!apps.stream().allMatch(a -> a.state() == KafkaStreams.State.RUNNING)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("invalidator did not start");
            }
            Thread.sleep(20);
        }
    }

    private static long nowMicros() {
        return HopHeaders.micros(Instant.now());
    }

    static String toMarkdown(List<Drain> drains) {
        StringBuilder md = new StringBuilder();
        md.append("| Kafka | round | instances | partitions per instance | events "
                + "| taken / applied before the clock | time | throughput "
                + "| vs 1 instance | purges | events per purge | CPU: this JVM / machine busy | start-up |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Drain d : drains) {
            if (d.round() == 0) {
                continue;
            }
            Drain one = drains.stream().filter(o -> o.kafka().equals(d.kafka()) && o.round() == d.round()
                    && o.instances() == 1).findFirst().orElse(null);
            String ratio = one == null ? "" : String.format("%.2fx", d.eventsPerSecond() / one.eventsPerSecond());
            md.append(String.format("| %s | %d | %d | %s | %,d | %,d / %,d | %.2f s | %,.0f events/s | %s "
                            + "| %,.0f | %.1f "
                            + "| %.2f cores / %.0f %% | %.1f s |%n",
                    d.kafka(), d.round(), d.instances(), d.partitionsPerInstance().values(), d.events(),
                    d.takenBeforeStart(), d.headStart(),
                    d.seconds(), d.eventsPerSecond(), ratio, d.purges(), d.applied() / Math.max(1, d.purges()),
                    d.cpu().jvmCores(), d.cpu().machineBusyPercent(), d.startUpSeconds()));
        }
        md.append("\n| Kafka | instances | rounds | mean throughput | vs 1 instance (means) |\n"
                + "|---|---|---|---|---|\n");
        drains.stream().filter(d -> d.round() > 0).map(Drain::kafka).distinct().forEach(kafka -> {
            double one = mean(drains, kafka, 1);
            drains.stream().filter(d -> d.round() > 0 && d.kafka().equals(kafka)).map(Drain::instances).distinct()
                    .sorted().forEach(n -> md.append(String.format("| %s | %d | %d | %,.0f events/s | %.2fx |%n",
                            kafka, n, drains.stream().filter(d -> d.round() > 0 && d.kafka().equals(kafka)
                                    && d.instances() == n).count(), mean(drains, kafka, n),
                            mean(drains, kafka, n) / one)));
        });
        return md.toString();
    }

    private static double mean(List<Drain> drains, String kafka, int instances) {
        return drains.stream().filter(d -> d.round() > 0 && d.kafka().equals(kafka) && d.instances() == instances)
                .mapToDouble(Drain::eventsPerSecond).average().orElse(Double.NaN);
    }
}
