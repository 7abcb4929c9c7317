package dev.cachesync.cache.client;

import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.cache.store.Segments;
import dev.cachesync.config.ConfigReader;
import dev.cachesync.config.Variable;
import dev.cachesync.config.Variables;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;

/**
 * Redis connection settings from the environment, the one place that reads {@code REDIS_*}: {@code REDIS_HOST}
 * (default 127.0.0.1), {@code REDIS_PORT} (6379), {@code REDIS_USERNAME} (an ACL user; none = {@code default}),
 * {@code REDIS_PASSWORD} (none), {@code REDIS_KEY_PREFIX} ({@code catalog-cache:}), {@code IS_ELASTICACHE} (true =
 * the deployment forbids CONFIG commands; cachesync never sends them: it needs no keyspace notifications, so the
 * flag only documents that the setup is safe there), and TLS: {@code REDIS_TLS} (true = {@code rediss://}),
 * {@code REDIS_SSL_TRUSTSTORE_PATH}/{@code _PASSWORD} (whom to trust; none = the JDK's CAs),
 * {@code REDIS_SSL_KEYSTORE_PATH}/{@code _PASSWORD} (a client certificate, for servers that ask for one).
 * Redis Cluster: {@code REDIS_CLUSTER_NODES} (comma-separated {@code host:port} of some nodes; set = cluster mode,
 * {@code REDIS_HOST}/{@code REDIS_PORT} ignored) and {@code REDIS_CLUSTER_SEGMENTS} (default
 * {@link Segments#DEFAULT_CLUSTER_SEGMENTS}; the same on every instance and the invalidator; docs/protocol.md,
 * "Segmented layout"). {@link #toString()} never prints a password.
 */
public record RedisSettings(String host, int port, String password, String keyPrefix, boolean elastiCache,
                            String username, Tls tls, List<String> clusterNodes, int clusterSegments) {

    public RedisSettings {
        clusterNodes = clusterNodes == null ? List.of() : List.copyOf(clusterNodes);
        if (clusterSegments < 1 || clusterSegments > Segments.MAX_SEGMENTS) {
            throw new IllegalArgumentException("REDIS_CLUSTER_SEGMENTS must be 1-" + Segments.MAX_SEGMENTS + ", was "
                    + clusterSegments);
        }
    }

    /** Standalone settings (no cluster). */
    public RedisSettings(String host, int port, String password, String keyPrefix, boolean elastiCache,
                         String username, Tls tls) {
        this(host, port, password, keyPrefix, elastiCache, username, tls, List.of(),
                Segments.DEFAULT_CLUSTER_SEGMENTS);
    }

    /** The variables {@link #from} reads, with defaults and meanings, in the order cache-client/README.md lists them. */
    public static final Variables DECLARED = Variables.of(
            Variable.of("REDIS_HOST", "127.0.0.1", "Redis host"),
            Variable.of("REDIS_PORT", "6379", "Redis port"),
            Variable.of("REDIS_USERNAME", "", "Redis ACL user (none = default); needs REDIS_PASSWORD"),
            Variable.secret("REDIS_PASSWORD", "password of that user (or of default)"),
            Variable.of("REDIS_KEY_PREFIX", KeyLayout.DEFAULT_PREFIX, "prefix of every key (must match the invalidator's)"),
            Variable.of("IS_ELASTICACHE", "false", "managed Redis that forbids CONFIG (cachesync never sends it)"),
            Variable.of("REDIS_TLS", "false", "true: TLS (rediss://)"),
            Variable.of("REDIS_SSL_TRUSTSTORE_PATH", "", "PKCS12/JKS store of the CA to trust; none = the JDK's CAs"),
            Variable.secret("REDIS_SSL_TRUSTSTORE_PASSWORD", "password of that store"),
            Variable.of("REDIS_SSL_KEYSTORE_PATH", "", "client certificate, for servers with tls-auth-clients yes"),
            Variable.secret("REDIS_SSL_KEYSTORE_PASSWORD", "password of that store"),
            Variable.of("REDIS_CLUSTER_NODES", "", "Redis Cluster: comma-separated host:port of some of its nodes"),
            Variable.of("REDIS_CLUSTER_SEGMENTS", Integer.toString(Segments.DEFAULT_CLUSTER_SEGMENTS),
                    "Redis Cluster: how many segments the cache is split into"));

    /** Every variable {@link #from} reads; deploy manifests are checked against the services' lists. */
    public static final List<String> VARIABLES = DECLARED.names();

    /**
     * The ones every deployment sets (where Redis is, its password, the prefix); the others (TLS, ACL user,
     * cluster) are listed by the services with their security settings.
     */
    public static final List<String> CONNECTION_VARIABLES =
            List.of("REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_KEY_PREFIX", "IS_ELASTICACHE");

    /**
     * TLS to Redis. A null truststore trusts the JDK's CAs (as for a managed Redis with a public certificate); a
     * null keystore sends no client certificate. Stores may be PKCS12 or JKS.
     */
    public record Tls(Path truststore, String truststorePassword, Path keystore, String keystorePassword) {
        /** TLS trusting the JDK's CAs, no client certificate. */
        public static final Tls DEFAULT = new Tls(null, null, null, null);

        @Override
        public String toString() {
            return "Tls[truststore=" + (truststore == null ? "JDK default" : truststore)
                    + ", client certificate=" + (keystore == null ? "none" : keystore) + "]";
        }
    }

    /** Settings without a password. */
    public RedisSettings(String host, int port, String keyPrefix, boolean elastiCache) {
        this(host, port, null, keyPrefix, elastiCache);
    }

    /** Settings without TLS and without an ACL user name. */
    public RedisSettings(String host, int port, String password, String keyPrefix, boolean elastiCache) {
        this(host, port, password, keyPrefix, elastiCache, null, null);
    }

    /** These settings as the ACL user {@code username} with {@code password}. */
    public RedisSettings withUser(String username, String password) {
        return new RedisSettings(host, port, password, keyPrefix, elastiCache, username, tls, clusterNodes,
                clusterSegments);
    }

    /** These settings over TLS. */
    public RedisSettings withTls(Tls tls) {
        return new RedisSettings(host, port, password, keyPrefix, elastiCache, username, tls, clusterNodes,
                clusterSegments);
    }

    /**
     * These settings for a Redis Cluster reached through {@code nodes} ({@code host:port} or
     * {@code redis://host:port}; some are enough, Redisson discovers the rest), with {@code segments} segments.
     */
    public RedisSettings withCluster(List<String> nodes, int segments) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one node address");
        }
        return new RedisSettings(host, port, password, keyPrefix, elastiCache, username, tls, nodes, segments);
    }

    /** Whether these settings are for a Redis Cluster ({@code REDIS_CLUSTER_NODES} set). */
    public boolean cluster() {
        return !clusterNodes.isEmpty();
    }

    @Override
    public String toString() {
        // Never log the password.
        return "RedisSettings[" + (cluster() ? "cluster " + nodeUris() + ", " + clusterSegments + " segments"
                : uri()) + ", prefix=" + keyPrefix + ", user=" + (username == null ? "default" : username)
                + ", password=" + (password == null ? "none" : "set") + ", elastiCache=" + elastiCache
                + (tls == null ? "" : ", " + tls) + "]";
    }

    public static RedisSettings fromEnvironment() {
        return from(System.getenv());
    }

    /**
     * The settings in {@code env} ({@link #DECLARED}); a malformed value or a contradiction fails naming the
     * variable, never showing a password.
     */
    public static RedisSettings from(Map<String, String> env) {
        ConfigReader config = DECLARED.read(env);
        String prefix = config.string("REDIS_KEY_PREFIX");
        String password = config.secret("REDIS_PASSWORD").orElse(null);
        String username = config.optional("REDIS_USERNAME").orElse(null);
        if (username != null && password == null) {
            throw new IllegalArgumentException("REDIS_USERNAME is set without REDIS_PASSWORD");
        }
        RedisSettings settings = new RedisSettings(config.string("REDIS_HOST"), config.integer("REDIS_PORT", 1, 65535),
                password, prefix, config.bool("IS_ELASTICACHE"), username, tlsFrom(config));
        List<String> nodes = config.list("REDIS_CLUSTER_NODES");
        if (nodes.isEmpty()) {
            if (config.isSet("REDIS_CLUSTER_SEGMENTS")) {
                throw new IllegalArgumentException("REDIS_CLUSTER_SEGMENTS is set but REDIS_CLUSTER_NODES is not");
            }
            return settings;
        }
        int segments = config.integer("REDIS_CLUSTER_SEGMENTS", 1, Segments.MAX_SEGMENTS);
        Segments.cluster(prefix, segments); // refuses a prefix with a hash tag of its own
        return settings.withCluster(nodes, segments);
    }

    private static Tls tlsFrom(ConfigReader config) {
        Path truststore = config.readableFile("REDIS_SSL_TRUSTSTORE_PATH").orElse(null);
        Path keystore = config.readableFile("REDIS_SSL_KEYSTORE_PATH").orElse(null);
        if (!config.bool("REDIS_TLS")) {
            if (truststore != null || keystore != null) {
                throw new IllegalArgumentException((truststore != null ? "REDIS_SSL_TRUSTSTORE_PATH"
                        : "REDIS_SSL_KEYSTORE_PATH") + " is set but REDIS_TLS is not true");
            }
            return null;
        }
        return new Tls(truststore, config.secret("REDIS_SSL_TRUSTSTORE_PASSWORD").orElse(null),
                keystore, config.secret("REDIS_SSL_KEYSTORE_PASSWORD").orElse(null));
    }

    /** {@code redis://host:port}, or {@code rediss://host:port} with TLS (a cluster: its first node). */
    public String uri() {
        return cluster() ? nodeUris().get(0) : (tls == null ? "redis://" : "rediss://") + host + ":" + port;
    }

    /** The cluster nodes as Redisson wants them ({@code redis://} or {@code rediss://}). */
    public List<String> nodeUris() {
        return clusterNodes.stream().map(node -> node.contains("://") ? node
                : (tls == null ? "redis://" : "rediss://") + node).toList();
    }

    /** A Redisson client for these settings; lazy, so an application starts even while Redis is down. */
    public RedissonClient createRedisson() {
        return Redisson.create(redissonConfig());
    }

    /** The Redisson configuration {@link #createRedisson()} uses: address, credentials, TLS stores. */
    public Config redissonConfig() {
        Config config = new Config();
        config.setLazyInitialization(true);
        if (cluster()) {
            // MASTER: every read of the protocol must see the primary's latest fences and tag sets; a replica
            // may lag behind a purge. The topology is rescanned every second so a failover is seen quickly
            // (a MOVED answer also tells Redisson at once).
            config.useClusterServers().addNodeAddress(nodeUris().toArray(String[]::new))
                    .setReadMode(ReadMode.MASTER).setScanInterval(1000);
        } else {
            config.useSingleServer().setAddress(uri());
        }
        if (username != null) {
            config.setUsername(username);
        }
        if (password != null) {
            config.setPassword(password);
        }
        if (tls != null) {
            if (tls.truststore() != null) {
                config.setSslTruststore(url(tls.truststore()));
                config.setSslTruststorePassword(tls.truststorePassword());
            }
            if (tls.keystore() != null) {
                config.setSslKeystore(url(tls.keystore()));
                config.setSslKeystorePassword(tls.keystorePassword());
            }
        }
        return config;
    }

    /**
     * The Redis ACL rules a cachesync process needs under {@link #keyPrefix()}, for
     * {@code ACL SETUSER <name> on ><password> <rules>} or an ACL file's {@code user} line; cache-client/README.md
     * shows the line for the default prefix. Keys: the prefix, and the keys Redisson derives from the near-cache
     * map's name ({@code {<prefix>entries}:*}, {@code redisson__cache_updates_log:{<prefix>entries}}). Channels:
     * the map's invalidation topic, and {@code __keyevent@*:expired}, which every Redisson RLocalCachedMap
     * subscribes to (it only receives events if keyspace notifications are on; cachesync never turns them on).
     * Commands: reads, writes, pub/sub, connection, scripts (EVAL/EVALSHA, SCRIPT LOAD/EXISTS) and TIME, minus
     * every {@code @dangerous} command (FLUSHALL, KEYS, CONFIG, CLIENT KILL, ...).
     */
    public String aclRules() {
        if (cluster()) {
            // the segments' keys ({<prefix>s<i>}:...), the one invalidation channel, and the CLUSTER commands
            // Redisson reads the topology with
            String prefix = globEscaped(keyPrefix);
            return "resetkeys ~{" + prefix + "s* resetchannels &" + prefix + "invalidations"
                    + " -@all +@read +@write +@pubsub +@connection +eval +evalsha +eval_ro +evalsha_ro"
                    + " +script|load +script|exists +time +cluster|nodes +cluster|slots +cluster|info -@dangerous";
        }
        String prefix = globEscaped(keyPrefix);
        String entries = globEscaped(new KeyLayout(keyPrefix).entries());
        return "resetkeys ~" + prefix + "* ~{" + entries + "}:* ~redisson__cache_updates_log:{" + entries + "}"
                + " resetchannels &{" + entries + "}:topic &__keyevent@*:expired"
                + " -@all +@read +@write +@pubsub +@connection +eval +evalsha +eval_ro +evalsha_ro"
                + " +script|load +script|exists +time -@dangerous";
    }

    private static String globEscaped(String literal) {
        return literal.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a usable file path: " + path, e);
        }
    }
}
