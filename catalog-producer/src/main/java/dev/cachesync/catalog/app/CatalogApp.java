package dev.cachesync.catalog.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.cachesync.catalog.api.ApiErrors;
import dev.cachesync.catalog.api.CatalogApi;
import dev.cachesync.catalog.auth.CatalogAuth;
import dev.cachesync.catalog.confirm.KafkaInvalidationConfirmer;
import dev.cachesync.catalog.outbox.OutboxRelay;
import dev.cachesync.catalog.outbox.OutboxWriter;
import dev.cachesync.catalog.product.ProductStore;
import dev.cachesync.catalog.publish.ProductEventProducerSettings;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole catalog service: database (migrated), store with outbox, outbox relay, HTTP API with authentication,
 * and health and metrics on a separate management port (which the network policy opens to monitoring only).
 *
 * <pre>{@code
 * try (CatalogApp app = CatalogApp.start(CatalogConfig.fromEnv(System.getenv()))) { ... }
 * }</pre>
 */
public final class CatalogApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CatalogApp.class);
    /** How long a stop waits for in-flight HTTP requests. */
    private static final Duration HTTP_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final HikariDataSource dataSource;
    private final OutboxRelay relay;
    private final Javalin http;
    private final Javalin management;
    private final CatalogAuth auth;
    private final PrometheusMeterRegistry meters;
    private final JvmGcMetrics gcMetrics;
    private final KafkaInvalidationConfirmer confirmer;
    private volatile boolean stopping;

    private CatalogApp(CatalogConfig config) {
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Prometheus' linter (promtool check metrics) refuses these two names: a unit abbreviation
        // (process_cpu_time_ns_total) and a gauge ending in _count (system_cpu_count). process_cpu_usage stays.
        meters.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count")));
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(meters);

        dataSource = Database.open(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword(), config.dbPoolSize());
        relay = config.relayEnabled()
                ? OutboxRelay.builder(dataSource, ProductEventProducerSettings.to(config.kafkaBootstrapServers(), config.schemaRegistryUrl())
                                .autoRegisterSchemas(config.autoRegisterSchemas())
                                .deliveryTimeout(config.deliveryTimeout())
                                .clientId(config.eventSource())
                                .security(config.kafkaSecurity())
                                .registryAuth(config.registryAuth()))
                        .topic(config.topic())
                        .pollInterval(config.relayPollInterval())
                        .batchSize(config.relayBatchSize())
                        .sentRetention(config.outboxSentRetention())
                        .meterRegistry(meters)
                        .build()
                : null;
        ProductStore store = ProductStore.builder(dataSource)
                .changeSink(new OutboxWriter())
                .source(config.eventSource())
                .afterCommit(relay != null ? relay::wakeUp : () -> { })
                .build();

        auth = CatalogAuth.of(config.auth());
        http = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            // Cache-Tags of a large listing can exceed Jetty's default 8 KiB of response headers.
            cfg.jetty.modifyHttpConfiguration(httpConfig -> httpConfig.setResponseHeaderSize(64 * 1024));
            // Without a stop timeout Jetty closes the connections of in-flight requests at stop: a write could
            // commit and its client still get a broken connection instead of the answer.
            cfg.jetty.modifyServer(server -> server.setStopTimeout(HTTP_STOP_TIMEOUT.toMillis()));
            cfg.requestLogger.http(this::recordRequest);
        });
        auth.addTo(http);
        CatalogApi.Builder api = CatalogApi.builder(store).cacheControl(config.cacheControl()).maxBodyBytes(config.maxBodyBytes());
        confirmer = config.invalidationWaitMax().isZero() ? null
                : KafkaInvalidationConfirmer.start(config.kafkaBootstrapServers(), config.schemaRegistryUrl(),
                        config.kafkaSecurity(), config.registryAuth(), meters);
        if (confirmer != null) {
            api.invalidationConfirmer(confirmer, config.invalidationWaitMax());
        }
        api.build().addTo(http);

        management = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.jetty.modifyServer(server -> server.setStopTimeout(HTTP_STOP_TIMEOUT.toMillis()));
        });
        ApiErrors.install(management); // the same problem JSON for unknown paths, wrong methods, bad requests
        management.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        management.get("/health/ready", this::ready);
        management.head("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        management.head("/health/ready", this::ready); // else Javalin answers HEAD with a bare 200, even when not ready
        management.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(meters.scrape()));
    }

    /** Opens the database, starts the relay and the HTTP server; fails fast (and cleans up) on bad settings. */
    public static CatalogApp start(CatalogConfig config) {
        CatalogApp app = new CatalogApp(config);
        try {
            if (app.relay != null) {
                app.relay.start();
            }
            app.management.start(config.managementPort());
            app.http.start(config.port());
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        log.info("catalog-producer listening on port {}, health and metrics on port {}, Kafka over {} ({})", app.port(),
                app.managementPort(), config.kafkaSecurity().securityProtocol(), config);
        if (app.auth.disabled()) {
            log.warn("AUTHENTICATION IS DISABLED (CATALOG_AUTH_DISABLED=true): anyone who reaches port {} can change "
                    + "and delete every product. For local use only; never deploy this.", app.port());
        }
        return app;
    }

    /** The API's port. */
    public int port() {
        return http.port();
    }

    /** The port of {@code /health/live}, {@code /health/ready} and {@code /metrics}. */
    public int managementPort() {
        return management.port();
    }

    /** Whether writes may wait for invalidation and the invalidations topic is followed yet. */
    public boolean confirmsInvalidations() {
        return confirmer != null && confirmer.following();
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** Ready when the database answers and the relay runs; never on Kafka, whose outages the outbox absorbs. */
    private void ready(Context ctx) {
        Map<String, String> checks = new LinkedHashMap<>();
        boolean up = !stopping;
        checks.put("shutdown", stopping ? "IN_PROGRESS" : "NO");
        try (Connection c = dataSource.getConnection()) {
            boolean valid = c.isValid(2);
            checks.put("database", valid ? "UP" : "DOWN");
            up &= valid;
        } catch (Exception e) {
            checks.put("database", "DOWN: " + e.getMessage());
            up = false;
        }
        if (relay != null) {
            checks.put("outboxRelay", relay.isRunning() ? "UP" : "DOWN");
            up &= relay.isRunning();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        ctx.status(up ? 200 : 503).json(body);
    }

    private void recordRequest(Context ctx, Float millis) {
        String route;
        try {
            route = ctx.endpointHandlerPath();
        } catch (RuntimeException e) {
            route = "UNMATCHED";
        }
        if (route == null || route.isEmpty() || route.equals("*")) {
            route = "UNMATCHED";
        }
        Timer.builder("http.server.requests")
                .description("HTTP requests answered, by method, route template (UNMATCHED if none) and status")
                .tag("method", ctx.method().name())
                .tag("uri", route)
                .tag("status", Integer.toString(ctx.statusCode()))
                .register(meters)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    /**
     * Clean shutdown: report not ready, stop taking requests (in-flight ones finish), let the relay finish its
     * round (unsent rows stay in the outbox for the next start), close the pool.
     */
    @Override
    public void close() {
        stopping = true;
        try {
            http.stop();
        } catch (RuntimeException e) {
            log.warn("stopping HTTP server", e);
        }
        try {
            management.stop();
        } catch (RuntimeException e) {
            log.warn("stopping management HTTP server", e);
        }
        if (relay != null) {
            relay.close(Duration.ofSeconds(10));
        }
        if (confirmer != null) {
            confirmer.close();
        }
        dataSource.close();
        gcMetrics.close();
        meters.close();
        log.info("catalog-producer stopped");
    }
}
