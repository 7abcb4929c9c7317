package dev.cachesync.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis Cluster on one machine: 3 primaries and 3 replicas, each a {@code redis-server} child process on
 * a free port (and a free cluster-bus port), nothing persisted, joined by {@code redis-cli --cluster create
 * --cluster-replicas 1}. {@link #start()} returns when every node says {@code cluster_state:ok}, every slot is
 * served and every replica's link to its primary is up (so a killed primary can be replaced at once).
 *
 * <p>For failover tests: {@link #kill(Node)} SIGKILLs a node (its replica is promoted after the node timeout,
 * {@link #NODE_TIMEOUT}), {@link #restart(Node)} starts it again on the same ports with its cluster
 * configuration file, so it rejoins (a former primary as a replica of its successor), {@link #awaitHealthy()}
 * waits until the cluster serves every slot again. Needs {@code redis-server} and {@code redis-cli} on the PATH.
 */
public final class RedisCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);
    private static final int PRIMARIES = 3;
    /** Short, so a failover takes about two seconds; long enough not to fail over on a loaded test machine. */
    public static final Duration NODE_TIMEOUT = Duration.ofMillis(2000);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final List<Node> nodes;

    /** One redis-server of the cluster. */
    public static final class Node {
        private final int port;
        private final int busPort;
        private final Path dir;
        private Process process;

        private Node(int port, int busPort, Path dir) {
            this.port = port;
            this.busPort = busPort;
            this.dir = dir;
        }

        public String host() {
            return "127.0.0.1";
        }

        public int port() {
            return port;
        }

        /** {@code redis://127.0.0.1:port}, as Redisson's {@code addNodeAddress} wants it. */
        public String uri() {
            return "redis://" + host() + ":" + port;
        }

        public synchronized boolean isRunning() {
            return process != null && process.isAlive();
        }

        /** Whether this node serves slots now (asked of the node itself: it knows its role first). */
        public boolean isPrimary() {
            return command(port, "INFO", "replication").contains("role:master");
        }

        @Override
        public String toString() {
            return "redis-cluster-node:" + port;
        }
    }

    private RedisCluster(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** Starts 3 primaries and 3 replicas and joins them; returns when the cluster is healthy. */
    public static RedisCluster start() {
        Path server = RedisServerBinaries.require("redis-server");
        Path cli = RedisServerBinaries.require("redis-cli");
        List<Node> nodes = new ArrayList<>();
        RedisCluster cluster = new RedisCluster(nodes);
        try {
            List<Integer> ports = Ports.free(PRIMARIES * 2 * 2); // a port and a cluster-bus port per node, all different
            for (int i = 0; i < PRIMARIES * 2; i++) {
                Node node = new Node(ports.get(2 * i), ports.get(2 * i + 1), Logs.tempDir("redis-cluster-" + i));
                nodes.add(node);
                cluster.startProcess(server, node);
            }
            List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
            nodes.forEach(n -> create.add(n.host() + ":" + n.port()));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Path out = nodes.get(0).dir.resolve("cluster-create.out");
            Process creating = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!creating.waitFor(60, TimeUnit.SECONDS) || creating.exitValue() != 0) {
                creating.destroyForcibly();
                throw new DevStackException("redis-cluster", "redis-cli --cluster create failed", Logs.tail(out, 30));
            }
            cluster.awaitHealthy();
            log.info("Redis Cluster ready: {}", cluster.uris());
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new DevStackException("redis-cluster", "cannot run redis-cli: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cluster.close();
            throw new DevStackException("redis-cluster", "interrupted while creating the cluster", null, e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Every node, primaries and replicas, in the order they were started. */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The addresses of every node, as Redisson's cluster configuration wants them. */
    public List<String> uris() {
        return nodes.stream().map(Node::uri).toList();
    }

    /** The running nodes that serve slots now. */
    public List<Node> primaries() {
        return nodes.stream().filter(Node::isRunning).filter(Node::isPrimary).toList();
    }

    /** The running primary that serves {@code slot} now (what each running primary says of itself in {@code CLUSTER NODES}). */
    public Node primaryForSlot(int slot) {
        for (Node node : primaries()) {
            for (String line : command(node.port, "CLUSTER", "NODES").split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length < 9 || !fields[2].contains("myself")) {
                    continue;
                }
                for (int i = 8; i < fields.length; i++) {
                    String range = fields[i];
                    if (range.startsWith("[")) {
                        continue; // a slot being migrated
                    }
                    String[] bounds = range.split("-");
                    int from = Integer.parseInt(bounds[0]);
                    int to = Integer.parseInt(bounds[bounds.length - 1]);
                    if (slot >= from && slot <= to) {
                        return node;
                    }
                }
            }
        }
        throw new IllegalStateException("no running primary serves slot " + slot);
    }

    /** A crash: SIGKILL. Its replica is promoted after {@link #NODE_TIMEOUT}. */
    public void kill(Node node) {
        synchronized (node) {
            if (node.process != null) {
                node.process.destroyForcibly();
                try {
                    node.process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                node.process = null;
                log.info("Redis Cluster node {} killed (SIGKILL)", node.port);
            }
        }
    }

    /**
     * Starts a stopped node again on its ports, empty but with its cluster configuration: it rejoins (a replaced
     * primary as a replica of the one that took its slots).
     */
    public void restart(Node node) {
        synchronized (node) {
            if (node.process == null) {
                startProcess(RedisServerBinaries.require("redis-server"), node);
            }
        }
    }

    /**
     * Waits until every running node says {@code cluster_state:ok}, sees all 16,384 slots served by running
     * primaries that no node suspects of failing (so right after {@link #kill} it waits for the failover), and
     * every running replica's link to its primary is up.
     */
    public void awaitHealthy() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "";
        while (true) {
            String problem = problem();
            if (problem == null) {
                return;
            }
            last = problem;
            if (System.nanoTime() > deadline) {
                throw new DevStackException("redis-cluster", "not healthy within " + READY_TIMEOUT.toSeconds()
                        + " s: " + last, Logs.tail(nodes.get(0).dir.resolve("redis.log"), 20));
            }
            Probes.pause();
        }
    }

    /** What keeps the cluster from being healthy now, or null. */
    private String problem() {
        for (Node node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            String info = command(node.port, "CLUSTER", "INFO");
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:16384")) {
                return node + " says " + info.lines().filter(l -> l.startsWith("cluster_state")
                        || l.startsWith("cluster_slots_ok")).toList();
            }
            // right after a kill the others still say ok for up to the node timeout: every slot's owner, as this
            // node sees it, must be a running node that nobody suspects
            for (String line : command(node.port, "CLUSTER", "NODES").split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length <= 8 || !fields[2].contains("master")) {
                    continue;
                }
                int ownerPort = Integer.parseInt(fields[1].substring(fields[1].lastIndexOf(':') + 1,
                        fields[1].indexOf('@')));
                boolean running = nodes.stream().anyMatch(n -> n.port == ownerPort && n.isRunning());
                if (!running || fields[2].contains("fail") || !fields[7].equals("connected")) {
                    return node + " sees slots on " + ownerPort + " (" + fields[2] + ", " + fields[7] + ")";
                }
            }
            String replication = command(node.port, "INFO", "replication");
            if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                return node + " is a replica whose link to its primary is not up";
            }
        }
        return null;
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            kill(node);
            Logs.deleteRecursively(node.dir);
        }
    }

    private void startProcess(Path server, Node node) {
        Path logFile = node.dir.resolve("redis.log");
        List<String> command = List.of(server.toString(),
                "--port", String.valueOf(node.port), "--bind", "127.0.0.1",
                "--cluster-enabled", "yes", "--cluster-port", String.valueOf(node.busPort),
                "--cluster-config-file", node.dir.resolve("nodes.conf").toString(),
                "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT.toMillis()),
                "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--dir", node.dir.toString(), "--logfile", logFile.toString());
        try {
            node.process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(node.dir.resolve("redis.out").toFile()).start();
        } catch (IOException e) {
            throw new DevStackException("redis-cluster", "cannot run " + server + ": " + e.getMessage(), null, e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Probes.redisAnswers(node.host(), node.port)) {
            if (!node.process.isAlive() || System.nanoTime() > deadline) {
                node.process.destroyForcibly();
                node.process = null;
                throw new DevStackException("redis-cluster", "node on port " + node.port + " did not start",
                        Logs.tail(logFile, 20));
            }
            Probes.pause();
        }
    }

    /**
     * One command to a node ({@link RedisWire}), its reply as text; "" for a nil or when the node does not answer
     * within two seconds.
     */
    public static String command(int port, String... args) {
        try {
            String reply = RedisWire.send("127.0.0.1", port, Duration.ofSeconds(2), args);
            return reply == null ? "" : reply;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The Redis binaries on the PATH. */
    private static final class RedisServerBinaries {
        static Path require(String name) {
            String path = System.getenv("PATH");
            if (path != null) {
                for (String dir : path.split(java.io.File.pathSeparator)) {
                    Path candidate = Path.of(dir, name);
                    if (Files.isExecutable(candidate)) {
                        return candidate;
                    }
                }
            }
            throw new DevStackException("redis-cluster", name + " is not on the PATH (Debian: apt-get install "
                    + "redis-server redis-tools)", null);
        }
    }
}
