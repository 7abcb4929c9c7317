package dev.cachesync.auditor.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.cachesync.auditor.check.ChangeAudit;
import dev.cachesync.auditor.check.PendingChecks;
import dev.cachesync.auditor.nines.CheckWindow;
import dev.cachesync.auditor.nines.ConsistencyMetrics;
import dev.cachesync.cache.manager.CacheManager;
import dev.cachesync.cache.store.CacheStore;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.runtime.HealthServer;
import dev.cachesync.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auditor process: takes every product event, checks the shared cache's entries tagged with the product
 * after a grace period, and exports how many were consistent or stale, with the ratio in nines; health and
 * metrics over HTTP. It only reads Redis (apart from what any reader does: an entry failing its check is removed).
 */
public final class AuditorApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditorApp.class);
    /** A consumer that has not returned from poll for this long is not ready (a rebalance stuck, Kafka gone). */
    private static final Duration POLL_STALL = Duration.ofSeconds(30);

    private final RedissonClient redisson;
    private final String keyPrefix;
    private final PrometheusMeterRegistry meters;
    private final ConsistencyMetrics metrics;
    private final PendingChecks checks;
    private final EventFeed feed;
    private final HealthServer health;
    private volatile boolean closed;

    private AuditorApp(AuditorConfig config) {
        this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        this.metrics = new ConsistencyMetrics(meters, new CheckWindow(config.ninesWindow(), System::currentTimeMillis),
                config.ninesWindow());
        // Lazy: the auditor starts while Redis is down; its checks fail (counted) until it answers.
        this.redisson = config.redis().createRedisson();
        this.keyPrefix = config.redis().keyPrefix();
        this.checks = new PendingChecks(new ChangeAudit(CacheManager.create(redisson, config.redis().keyPrefix(),
                CacheStore.DEFAULT_MAX_ENTRY_LIFETIME, config.redis().clusterSegments())),
                metrics, config.grace(), config.maxPending());
        Gauge.builder("cachesync.auditor.pending.checks", checks, PendingChecks::pending)
                .description("Changes taken whose check waits for its grace period").register(meters);
        this.feed = new EventFeed(consumerConfig(config),
                AvroSerdes.serde(ProductEvent.class, config.schemaRegistryUrl(), config.registryAuth()).deserializer(),
                checks, metrics);
        this.health = new HealthServer("auditor", "AUDITOR_HTTP_PORT", config.httpPort(), this::liveness, this::readiness,
                meters::scrape);
        feed.start();
        log.info("auditor started: kafka={} ({}) group={} redis={} prefix={} grace={} ms http port={}",
                config.kafkaBootstrapServers(), config.kafkaSecurity().securityProtocol(), config.groupId(),
                config.redis().uri(), config.redis().keyPrefix(), config.grace().toMillis(), health.port());
    }

    public static AuditorApp start(AuditorConfig config) {
        return new AuditorApp(config);
    }

    public int httpPort() {
        return health.port();
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** Ready: partitions assigned, the consumer polling. For tests and the demo: changes taken from now on are checked. */
    public boolean consuming() {
        return feed.consuming(POLL_STALL);
    }

    /** Every check since the start: consistent, stale, and their nines. */
    public CheckWindow.Counts totals() {
        return metrics.totals();
    }

    /**
     * Waits (at most {@code timeout}) until no check waits for its grace: for a report at the end of a run (the
     * demo), so the last changes are counted too. True when none waits.
     */
    public boolean awaitChecks(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (checks.pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20); // a report at the end of a run, not a synchronisation point of the audit itself
        }
        return checks.pending() == 0;
    }

    HealthServer.Status liveness() {
        String failure = feed.failure();
        return new HealthServer.Status(feed.alive(), failure == null ? "consumer running" : failure);
    }

    /** Ready when the consumer has partitions and polls, and Redis answers (within 500 ms). */
    HealthServer.Status readiness() {
        if (!feed.alive()) {
            return liveness();
        }
        boolean consuming = feed.consuming(POLL_STALL);
        boolean redisUp = redisAnswers();
        return new HealthServer.Status(consuming && redisUp, (consuming ? "consuming" : "not consuming (no partitions"
                + " assigned or no poll within " + POLL_STALL.toSeconds() + " s)") + ", redis "
                + (redisUp ? "answering" : "not answering") + ", " + checks.pending() + " checks waiting");
    }

    private boolean redisAnswers() {
        try {
            // a key inside the prefix, which an ACL user limited to it may read; it never exists
            redisson.getBucket(keyPrefix + "health-probe").isExistsAsync().toCompletableFuture()
                    .get(500, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("auditor stopping");
        feed.close();
        checks.close();
        health.close();
        redisson.shutdown();
        log.info("auditor stopped");
    }

    private static Map<String, Object> consumerConfig(AuditorConfig config) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.startAt());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
        return config.kafkaSecurity().addTo(props);
    }
}
