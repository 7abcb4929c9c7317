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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three real Kafka brokers (KRaft), each a child JVM that is broker and controller at once, the three forming the
 * controller quorum: a cluster that keeps working, metadata and data, when any one node is lost ({@link #start(int)}
 * adds broker-only nodes beyond the three, as a production cluster grows). Topics default to
 * replication factor 3 and {@code min.insync.replicas} 2, so an {@code acks=all} write is on two brokers before it
 * is acknowledged, and one broker may die without losing it or refusing writes.
 *
 * <p>Child JVMs rather than brokers in this JVM: {@link #kill(int)} is a real SIGKILL (no controlled shutdown, no
 * leadership handed over, in-flight requests cut, the controller notices only when heartbeats stop), which an
 * in-process broker cannot do: its shutdown always moves leadership away first. {@link #stop(int)} is the clean
 * shutdown (SIGTERM), {@link #restart(int)} starts a node again on its ports with its data.
 *
 * <p>Plaintext only, no authentication. Nodes are numbered from 1 ({@link #nodeIds()}, {@link #leaderOf}); nodes 1
 * to 3 are the controllers.
 */
public final class KafkaCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
    /** Nodes of {@link #start()}, controllers of every cluster, and the replicas of each topic. */
    private static final int CONTROLLERS = 3;
    /** Beyond this the child JVMs would not fit a small machine; a test or the demo never needs more. */
    public static final int MAX_NODES = 9;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /** Child processes of every cluster of this JVM: none outlives it, even when a test forgets to close. */
    private static final Set<Process> children = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> children.forEach(Process::destroyForcibly),
                "devstack-kafka-cluster-shutdown"));
    }

    private final Path dir;
    private final List<NodeProcess> nodes;
    private final Duration startTime;

    /** One node: its ports and data stay the same across {@link #kill}, {@link #stop} and {@link #restart}. */
    static final class NodeProcess {
        final int id;
        final int brokerPort;
        final int controllerPort;
        final Path dir;
        Process process;

        NodeProcess(int id, int brokerPort, int controllerPort, Path dir) {
            this.id = id;
            this.brokerPort = brokerPort;
            this.controllerPort = controllerPort;
            this.dir = dir;
        }

        Path properties() {
            return dir.resolve("server.properties");
        }

        Path logFile() {
            return dir.resolve("broker.log");
        }
    }

    private KafkaCluster(Path dir, int size) {
        this.dir = dir;
        List<NodeProcess> nodes = new ArrayList<>();
        List<Integer> ports = Ports.free(size * 2);
        for (int id = 1; id <= size; id++) {
            nodes.add(new NodeProcess(id, ports.get(2 * id - 2), ports.get(2 * id - 1), dir.resolve("node-" + id)));
        }
        this.nodes = List.copyOf(nodes);
        Instant started = Instant.now();
        String clusterId = Uuid.randomUuid().toString();
        String voters = this.nodes.stream().filter(n -> n.id <= CONTROLLERS)
                .map(n -> n.id + "@127.0.0.1:" + n.controllerPort).collect(Collectors.joining(","));
        for (NodeProcess node : this.nodes) {
            format(node, clusterId, voters);
        }
        this.nodes.forEach(this::launch);
        try {
            awaitBrokers(this.nodes.stream().map(n -> n.id).collect(Collectors.toSet()));
        } catch (RuntimeException e) {
            // a port chosen free was taken before the node bound it (another process's outgoing connection can
            // get it from the same ephemeral range): said apart, so start() can try once more on other ports
            boolean portTaken = this.nodes.stream().anyMatch(n -> Logs.contains(n.logFile(), "Address already in use"));
            close();
            throw portTaken ? new PortTaken(e) : e;
        }
        this.startTime = Duration.between(started, Instant.now());
        log.info("Kafka cluster of {} nodes ready on {} in {} ms", size, bootstrapServers(), startTime.toMillis());
    }

    /** Formats three log directories and starts the three nodes; returns when every broker is registered. */
    public static KafkaCluster start() {
        return start(CONTROLLERS);
    }

    /**
     * A cluster of {@code nodes} (3 to {@link #MAX_NODES}): nodes 1-3 are broker and controller (the quorum), the
     * others brokers only; topics still get 3 replicas, spread over all brokers. Returns when every broker is
     * registered.
     */
    public static KafkaCluster start(int nodes) {
        if (nodes < CONTROLLERS || nodes > MAX_NODES) {
            throw new IllegalArgumentException("a Kafka cluster has " + CONTROLLERS + " to " + MAX_NODES
                    + " nodes, not " + nodes);
        }
        try {
            return new KafkaCluster(Logs.tempDir("kafka-cluster"), nodes);
        } catch (PortTaken e) {
            log.warn("a Kafka node's port was taken before it bound it; starting the cluster again on other ports: {}",
                    e.getCause().getMessage());
            return new KafkaCluster(Logs.tempDir("kafka-cluster"), nodes);
        }
    }

    /** A node could not bind a port chosen free for it. */
    private static final class PortTaken extends RuntimeException {
        PortTaken(RuntimeException cause) {
            super(cause);
        }
    }

    /** Every node's client listener: clients find the others through any one. */
    public String bootstrapServers() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.brokerPort).collect(Collectors.joining(","));
    }

    /** The node ids, 1 to the cluster's size. */
    public List<Integer> nodeIds() {
        return nodes.stream().map(n -> n.id).toList();
    }

    /** How long {@link #start()} took, formatting included. */
    public Duration startTime() {
        return startTime;
    }

    /** An admin client for the cluster; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
    }

    /**
     * Creates a topic with 3 replicas and {@code min.insync.replicas} 2 (an existing topic is left as it is) and
     * returns when every broker knows it ({@link #awaitTopic}).
     */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) CONTROLLERS)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        }
        awaitTopic(name);
    }

    /**
     * Returns the topic's description once every partition has a leader and all its replicas in sync,: a new
     * topic reaches the brokers' metadata a moment after the controller created it.
     */
    public TopicDescription awaitTopic(String name) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames()
                            .get(10, TimeUnit.SECONDS).get(name);
                    boolean ready = description.partitions().stream().allMatch(p -> p.leader() != null
                            && !p.leader().isEmpty() && p.isr().size() == p.replicas().size());
                    if (ready) {
                        return description;
                    }
                } catch (Exception e) {
                    last = e;
                }
                Probes.pause();
            }
        }
        throw new IllegalStateException("topic " + name + " not ready within " + READY_TIMEOUT.toSeconds() + " s: "
                + last, last);
    }

    /**
     * The id of the node that leads {@code partition} of {@code topic} now; waits while the partition has no leader
     * (a leader just died and the controller has not yet moved the leadership).
     */
    public int leaderOf(String topic, int partition) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    TopicPartitionInfo info = admin.describeTopics(List.of(topic)).allTopicNames()
                            .get(10, TimeUnit.SECONDS).get(topic).partitions().get(partition);
                    if (info.leader() != null && !info.leader().isEmpty()) {
                        return info.leader().id();
                    }
                } catch (Exception e) {
                    last = e;
                }
                Probes.pause();
            }
        }
        throw new IllegalStateException(topic + "-" + partition + " has no leader within "
                + READY_TIMEOUT.toSeconds() + " s: " + last, last);
    }

    /** A crash: SIGKILL, nothing flushed, no leadership handed over. Ports and data stay for {@link #restart}. */
    public void kill(int nodeId) {
        NodeProcess node = node(nodeId);
        synchronized (node) {
            if (node.process != null) {
                node.process.destroyForcibly();
                waitFor(node, STOP_TIMEOUT);
                log.info("Kafka node {} killed (SIGKILL)", nodeId);
            }
        }
    }

    /** A clean shutdown (SIGTERM): the broker hands its leaderships over before it stops. */
    public void stop(int nodeId) {
        NodeProcess node = node(nodeId);
        synchronized (node) {
            if (node.process != null) {
                node.process.destroy();
                if (!waitFor(node, STOP_TIMEOUT)) {
                    node.process.destroyForcibly();
                    waitFor(node, STOP_TIMEOUT);
                }
                log.info("Kafka node {} stopped", nodeId);
            }
        }
    }

    /** Starts a stopped or killed node again, same ports, same data; returns when it is registered again. */
    public void restart(int nodeId) {
        NodeProcess node = node(nodeId);
        synchronized (node) {
            if (node.process == null) {
                launch(node);
            }
        }
        awaitBrokers(Set.of(nodeId));
    }

    public boolean isRunning(int nodeId) {
        NodeProcess node = node(nodeId);
        synchronized (node) {
            return node.process != null && node.process.isAlive();
        }
    }

    /** Kills every node and deletes their data. */
    @Override
    public void close() {
        for (NodeProcess node : nodes) {
            kill(node.id);
        }
        Logs.deleteRecursively(dir);
    }

    private NodeProcess node(int nodeId) {
        return nodes.stream().filter(n -> n.id == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId + "; nodes are " + nodeIds()));
    }

    private static boolean waitFor(NodeProcess node, Duration timeout) {
        try {
            boolean exited = node.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                children.remove(node.process);
                node.process = null;
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping Kafka node " + node.id, e);
        }
    }

    /** A node's server.properties; package-private for the test of the roles. */
    static Map<String, String> config(NodeProcess node, String voters) {
        boolean controller = node.id <= CONTROLLERS;
        return Map.ofEntries(
                Map.entry("process.roles", controller ? "broker,controller" : "broker"),
                Map.entry("node.id", String.valueOf(node.id)),
                Map.entry("controller.quorum.voters", voters),
                // a broker-only node has no controller listener; it reaches the quorum through the voters
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + node.brokerPort
                        + (controller ? ",CONTROLLER://127.0.0.1:" + node.controllerPort : "")),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + node.brokerPort),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", node.dir.resolve("data").toString()),
                Map.entry("num.partitions", "3"),
                Map.entry("auto.create.topics.enable", "true"),
                // What a production cluster sets: three copies, two of them written before acks=all is answered,
                // and a replica that missed writes never becomes leader.
                Map.entry("default.replication.factor", "3"),
                Map.entry("min.insync.replicas", "2"),
                Map.entry("unclean.leader.election.enable", "false"),
                Map.entry("offsets.topic.replication.factor", "3"),
                Map.entry("offsets.topic.num.partitions", "5"),
                Map.entry("transaction.state.log.replication.factor", "3"),
                Map.entry("transaction.state.log.min.isr", "2"),
                Map.entry("transaction.state.log.num.partitions", "5"),
                Map.entry("share.coordinator.state.topic.replication.factor", "3"),
                Map.entry("share.coordinator.state.topic.min.isr", "2"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // A killed broker is fenced (and its leaderships moved) after 6 s without heartbeats, not 9 s.
                Map.entry("broker.heartbeat.interval.ms", "1000"),
                Map.entry("broker.session.timeout.ms", "6000"),
                // Small thread pools: three brokers share a machine with the tests.
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "2"),
                Map.entry("background.threads", "2"),
                Map.entry("num.replica.fetchers", "1"),
                Map.entry("log.cleaner.threads", "1"),
                // The cleaner's default 128 MB buffer would not fit the small heap; the test topics are tiny.
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024)));
    }

    private static void format(NodeProcess node, String clusterId, String voters) {
        try {
            Files.createDirectories(node.dir);
            Properties props = new Properties();
            props.putAll(config(node, voters));
            try (var out = Files.newBufferedWriter(node.properties())) {
                props.store(out, "cachesync devstack cluster node " + node.id);
            }
            Files.writeString(node.dir.resolve("logback.xml"), CHILD_LOGBACK);
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int exit;
            try (PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                exit = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", node.properties().toString()},
                        printer);
            }
            if (exit != 0) {
                throw new DevStackException("kafka-cluster", "formatting node " + node.id + " failed (exit " + exit + ")",
                        output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new DevStackException("kafka-cluster", "cannot write node " + node.id + "'s configuration: "
                    + e.getMessage(), null, e);
        }
    }

    /** Kafka's INFO lines, for the tail a failed start reports; the rest of the test classpath's logging stays off. */
    private static final String CHILD_LOGBACK = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <logger name="kafka" level="INFO"/>
              <logger name="org.apache.kafka" level="INFO"/>
              <logger name="state.change.logger" level="WARN"/>
              <root level="WARN"><appender-ref ref="OUT"/></root>
            </configuration>
            """;

    private void launch(NodeProcess node) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // C1 only and a serial collector: the brokers start faster and take less CPU from the tests beside them.
        List<String> command = List.of(java, "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + node.dir.resolve("logback.xml"),
                "-cp", System.getProperty("java.class.path"),
                "kafka.Kafka", node.properties().toString());
        try {
            node.process = new ProcessBuilder(command)
                    .directory(node.dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(node.logFile().toFile()))
                    .start();
            children.add(node.process);
        } catch (IOException e) {
            throw new DevStackException("kafka-cluster", "cannot run node " + node.id + ": " + e.getMessage(), null, e);
        }
    }

    /** Waits until every node in {@code ids} is a registered (unfenced) broker. */
    private void awaitBrokers(Collection<Integer> ids) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                for (int id : ids) {
                    NodeProcess node = node(id);
                    synchronized (node) {
                        if (node.process == null || !node.process.isAlive()) {
                            throw new DevStackException("kafka-cluster", "node " + id + " exited (port "
                                    + node.brokerPort + ")", Logs.firstErrors(node.logFile(), 10)
                                    + "\n...\n" + Logs.tail(node.logFile(), 20));
                        }
                    }
                }
                try {
                    Set<Integer> registered = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                            .map(Node::id).collect(Collectors.toSet());
                    if (registered.containsAll(ids)) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                Probes.pause();
            }
        }
        NodeProcess first = node(ids.iterator().next());
        throw new DevStackException("kafka-cluster", "nodes " + ids + " not registered within "
                + READY_TIMEOUT.toSeconds() + " s: " + last, Logs.tail(first.logFile(), 40), last);
    }
}
