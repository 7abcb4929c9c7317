package dev.cachesync.devstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running inside this JVM.
 * The log directory is formatted once in a temp folder; {@link #stop()} and {@link #restart()} keep ports
 * and data, so tests can simulate an outage.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path logDir;
    private final int brokerPort;
    private final Map<String, String> config;
    private KafkaRaftServer server;

    private KafkaBroker(Path logDir, int brokerPort, int controllerPort) {
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.config = Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("auto.create.topics.enable", "true"),
                // A single node: every internal topic has one replica.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "5"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "5"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                // Tests want consumer groups to form at once, not after the default 3 s delay.
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("log.flush.interval.messages", "1000000"),
                Map.entry("unclean.leader.election.enable", "true"));
    }

    /** Formats a fresh log directory and starts a new broker on free ports; returns when it answers. */
    public static KafkaBroker start() {
        Path dir = Logs.tempDir("kafka");
        KafkaBroker broker = new KafkaBroker(dir, Ports.free(), Ports.free());
        broker.format();
        broker.startServer();
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000"));
    }

    /** Creates a topic (one replica); an existing topic is left as it is. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        }
    }

    /** Simulates an outage: the broker stops, ports and data stay reserved for {@link #restart()}. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            log.info("Kafka broker on {} stopped", bootstrapServers());
        }
    }

    /** Starts the broker again after {@link #stop()}, same ports, same data. */
    public synchronized void restart() {
        if (server == null) {
            startServer();
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    @Override
    public synchronized void close() {
        stop();
        Logs.deleteRecursively(logDir);
    }

    private void format() {
        try {
            Path properties = logDir.resolve("server.properties");
            Properties props = new Properties();
            props.putAll(config);
            try (var out = Files.newBufferedWriter(properties)) {
                props.store(out, "cachesync devstack broker");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int exit;
            try (PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                exit = StorageTool.execute(new String[] {
                        "format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString()}, printer);
            }
            if (exit != 0) {
                throw new DevStackException("kafka", "formatting " + logDir + " failed (exit " + exit + ")",
                        output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new DevStackException("kafka", "cannot write the broker configuration: " + e.getMessage(), null, e);
        }
    }

    private synchronized void startServer() {
        Instant started = Instant.now();
        try {
            server = new KafkaRaftServer(new KafkaConfig(config), Time.SYSTEM);
            server.startup();
        } catch (RuntimeException e) {
            server = null;
            throw new DevStackException("kafka", "the broker failed to start on " + bootstrapServers() + ": " + e,
                    null, e);
        }
        awaitReady();
        log.info("Kafka broker ready on {} in {} ms", bootstrapServers(),
                Duration.between(started, Instant.now()).toMillis());
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                Probes.pause();
            }
        }
        throw new DevStackException("kafka", "no answer to describeCluster() from " + bootstrapServers()
                + " within " + READY_TIMEOUT.toSeconds() + " s: " + last, null, last);
    }
}
