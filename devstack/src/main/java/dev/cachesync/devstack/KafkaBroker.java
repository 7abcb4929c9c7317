package dev.cachesync.devstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running inside this JVM.
 * The log directory is formatted once in a temp folder; {@link #stop()} and {@link #restart()} keep ports
 * and data, so tests can simulate an outage.
 *
 * <p>{@link #start()} listens in plaintext without authentication. {@link #startSecured()} listens with SASL_SSL
 * only (SCRAM-SHA-512 over TLS, a certificate from a CA generated in this JVM) and authorizes every request with
 * Kafka's StandardAuthorizer: a principal may do only what an ACL allows. Its super user {@code admin} runs
 * {@link #admin()}; {@link #addUser} creates the principals under test and {@link #clientProperties} gives
 * their client settings.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /** The super user of a secured broker. */
    public static final String ADMIN_USER = "admin";
    /** The SASL mechanism of a secured broker's listener. */
    public static final String SASL_MECHANISM = "SCRAM-SHA-512";

    private final Path logDir;
    private final int brokerPort;
    private final Security security;
    private final Map<String, String> config;
    private KafkaRaftServer server;

    /** What a secured broker needs besides its ports: certificates and the super user's password. */
    private record Security(Certificates certificates, String adminPassword) {
    }

    private KafkaBroker(Path logDir, int brokerPort, int controllerPort, Security security) {
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.security = security;
        Map<String, String> config = new HashMap<>(Map.ofEntries(
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
                Map.entry("unclean.leader.election.enable", "true")));
        if (security != null) {
            config.putAll(securedListeners(brokerPort, controllerPort, security));
        }
        this.config = Map.copyOf(config);
    }

    /**
     * Clients: SASL_SSL with SCRAM-SHA-512 (the broker talks to itself there too, as {@code admin}). The controller
     * listener: SASL_PLAINTEXT with PLAIN (KRaft controllers do not take SCRAM), bound to 127.0.0.1, {@code admin}
     * only. Every request is authorized by ACLs; {@code admin} is the only super user.
     */
    private static Map<String, String> securedListeners(int brokerPort, int controllerPort, Security security) {
        Certificates certificates = security.certificates();
        String admin = "username=\"" + ADMIN_USER + "\" password=\"" + security.adminPassword() + "\"";
        return Map.ofEntries(
                Map.entry("listeners", "SASL_SSL://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "SASL_SSL://127.0.0.1:" + brokerPort),
                Map.entry("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT"),
                Map.entry("inter.broker.listener.name", "SASL_SSL"),
                Map.entry("sasl.enabled.mechanisms", SASL_MECHANISM),
                Map.entry("sasl.mechanism.inter.broker.protocol", SASL_MECHANISM),
                Map.entry("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required " + admin + ";"),
                Map.entry("sasl.mechanism.controller.protocol", "PLAIN"),
                Map.entry("listener.name.controller.sasl.enabled.mechanisms", "PLAIN"),
                Map.entry("listener.name.controller.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required " + admin
                                + " user_" + ADMIN_USER + "=\"" + security.adminPassword() + "\";"),
                Map.entry("ssl.keystore.location", certificates.serverKeystore().toString()),
                Map.entry("ssl.keystore.password", certificates.password()),
                Map.entry("ssl.key.password", certificates.password()),
                Map.entry("ssl.keystore.type", "PKCS12"),
                Map.entry("ssl.truststore.location", certificates.truststore().toString()),
                Map.entry("ssl.truststore.password", certificates.password()),
                Map.entry("ssl.truststore.type", "PKCS12"),
                Map.entry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"),
                Map.entry("super.users", "User:" + ADMIN_USER),
                Map.entry("allow.everyone.if.no.acl.found", "false"));
    }

    /** Formats a fresh log directory and starts a new plaintext broker on free ports; returns when it answers. */
    public static KafkaBroker start() {
        return start(null);
    }

    /**
     * Starts a new broker that accepts only SASL_SSL (SCRAM-SHA-512) and enforces ACLs, its certificate signed by
     * this JVM's generated CA ({@link Certificates#shared()}). Returns when {@code admin} gets an answer.
     */
    public static KafkaBroker startSecured() {
        return start(new Security(Certificates.shared(), Secrets.random()));
    }

    private static KafkaBroker start(Security security) {
        Path dir = Logs.tempDir("kafka");
        KafkaBroker broker = new KafkaBroker(dir, Ports.free(), Ports.free(), security);
        broker.format();
        broker.startServer();
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Whether this broker takes only SASL_SSL and enforces ACLs ({@link #startSecured()}). */
    public boolean isSecured() {
        return security != null;
    }

    /**
     * The client properties of {@code user}, in Kafka's own names ({@code bootstrap.servers},
     * {@code security.protocol}, {@code sasl.*}, {@code ssl.truststore.*}); for a plaintext broker only the bootstrap
     * servers. A service under test takes them as cachesync's {@code KAFKA_*} variables through
     * {@code KafkaClientSecurity.environmentOf} (schemas), the one place of that convention.
     */
    public Map<String, Object> clientProperties(String user, String password) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("bootstrap.servers", bootstrapServers());
        if (security != null) {
            properties.put("security.protocol", "SASL_SSL");
            properties.put("sasl.mechanism", SASL_MECHANISM);
            properties.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"" + user + "\" password=\"" + password + "\";");
            properties.put("ssl.truststore.location", security.certificates().truststore().toString());
            properties.put("ssl.truststore.password", security.certificates().password());
            properties.put("ssl.truststore.type", "PKCS12");
        }
        return properties;
    }

    /**
     * Creates (or changes) a SCRAM-SHA-512 user on a secured broker and returns its new random password. The user
     * may do nothing until ACLs allow it (create them with {@link #admin()}).
     */
    public String addUser(String user) {
        if (security == null) {
            throw new IllegalStateException("a plaintext broker has no users: start it with startSecured()");
        }
        String password = Secrets.random();
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the SCRAM user " + user + ": " + e, e);
        }
        return password;
    }

    /** Client properties that may do anything: the super user's on a secured broker, none needed on a plain one. */
    public Map<String, Object> superUserProperties() {
        return security == null ? clientProperties(null, null) : clientProperties(ADMIN_USER, security.adminPassword());
    }

    /** An admin client for this broker (on a secured broker as the super user {@code admin}); the caller closes it. */
    public Admin admin() {
        Map<String, Object> config = superUserProperties();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        return Admin.create(config);
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
                List<String> args = new ArrayList<>(List.of(
                        "format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString()));
                if (security != null) {
                    // The broker authenticates to itself as admin before it could create users: admin is in the
                    // metadata log from the start.
                    args.addAll(List.of("--add-scram", SASL_MECHANISM + "=[name=" + ADMIN_USER + ",password="
                            + security.adminPassword() + "]"));
                }
                exit = StorageTool.execute(args.toArray(String[]::new), printer);
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
