package dev.cachesync.cache.client;

import dev.cachesync.cache.store.KeyLayout;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redis connection settings from the environment, the one place that reads {@code REDIS_*}: {@code REDIS_HOST}
 * (default 127.0.0.1), {@code REDIS_PORT} (6379), {@code REDIS_USERNAME} (an ACL user; none = {@code default}),
 * {@code REDIS_PASSWORD} (none), {@code REDIS_KEY_PREFIX} ({@code catalog-cache:}), {@code IS_ELASTICACHE} (true =
 * the deployment forbids CONFIG commands; cachesync never sends them: it needs no keyspace notifications, so the
 * flag only documents that the setup is safe there), and TLS: {@code REDIS_TLS} (true = {@code rediss://}),
 * {@code REDIS_SSL_TRUSTSTORE_PATH}/{@code _PASSWORD} (whom to trust; none = the JDK's CAs),
 * {@code REDIS_SSL_KEYSTORE_PATH}/{@code _PASSWORD} (a client certificate, for servers that ask for one).
 * {@link #toString()} never prints a password.
 */
public record RedisSettings(String host, int port, String password, String keyPrefix, boolean elastiCache,
                            String username, Tls tls) {

    /** Every variable {@link #from} reads; deploy manifests are checked against the services' lists. */
    public static final List<String> VARIABLES = List.of("REDIS_HOST", "REDIS_PORT", "REDIS_USERNAME",
            "REDIS_PASSWORD", "REDIS_KEY_PREFIX", "IS_ELASTICACHE", "REDIS_TLS", "REDIS_SSL_TRUSTSTORE_PATH",
            "REDIS_SSL_TRUSTSTORE_PASSWORD", "REDIS_SSL_KEYSTORE_PATH", "REDIS_SSL_KEYSTORE_PASSWORD");

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
        return new RedisSettings(host, port, password, keyPrefix, elastiCache, username, tls);
    }

    /** These settings over TLS. */
    public RedisSettings withTls(Tls tls) {
        return new RedisSettings(host, port, password, keyPrefix, elastiCache, username, tls);
    }

    @Override
    public String toString() {
        // Never log the password.
        return "RedisSettings[" + uri() + ", prefix=" + keyPrefix + ", user=" + (username == null ? "default" : username)
                + ", password=" + (password == null ? "none" : "set") + ", elastiCache=" + elastiCache
                + (tls == null ? "" : ", " + tls) + "]";
    }

    public static RedisSettings fromEnvironment() {
        return from(System.getenv());
    }

    public static RedisSettings from(Map<String, String> env) {
        String host = env.getOrDefault("REDIS_HOST", "127.0.0.1");
        String portText = env.getOrDefault("REDIS_PORT", "6379");
        int port;
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("REDIS_PORT must be a number, was '" + portText + "'");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("REDIS_PORT must be 1-65535, was " + port);
        }
        String prefix = env.getOrDefault("REDIS_KEY_PREFIX", KeyLayout.DEFAULT_PREFIX);
        if (prefix.isBlank()) {
            throw new IllegalArgumentException("REDIS_KEY_PREFIX must not be blank");
        }
        boolean elastiCache = Boolean.parseBoolean(env.getOrDefault("IS_ELASTICACHE", "false").trim());
        String password = blankToNull(env.get("REDIS_PASSWORD"));
        String username = blankToNull(env.get("REDIS_USERNAME"));
        if (username != null && password == null) {
            throw new IllegalArgumentException("REDIS_USERNAME is set without REDIS_PASSWORD");
        }
        return new RedisSettings(host, port, password, prefix, elastiCache, username, tlsFrom(env));
    }

    private static Tls tlsFrom(Map<String, String> env) {
        String flag = env.getOrDefault("REDIS_TLS", "false").trim().toLowerCase();
        boolean tls = switch (flag) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no", "" -> false;
            default -> throw new IllegalArgumentException("REDIS_TLS must be true or false, was '" + flag + "'");
        };
        Path truststore = store(env, "REDIS_SSL_TRUSTSTORE_PATH");
        Path keystore = store(env, "REDIS_SSL_KEYSTORE_PATH");
        if (!tls) {
            if (truststore != null || keystore != null) {
                throw new IllegalArgumentException((truststore != null ? "REDIS_SSL_TRUSTSTORE_PATH"
                        : "REDIS_SSL_KEYSTORE_PATH") + " is set but REDIS_TLS is not true");
            }
            return null;
        }
        return new Tls(truststore, blankToNull(env.get("REDIS_SSL_TRUSTSTORE_PASSWORD")),
                keystore, blankToNull(env.get("REDIS_SSL_KEYSTORE_PASSWORD")));
    }

    private static Path store(Map<String, String> env, String variable) {
        String value = blankToNull(env.get(variable));
        if (value == null) {
            return null;
        }
        Path path = Path.of(value);
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(variable + " names no readable file: '" + value + "'");
        }
        return path;
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** {@code redis://host:port}, or {@code rediss://host:port} with TLS. */
    public String uri() {
        return (tls == null ? "redis://" : "rediss://") + host + ":" + port;
    }

    /** A Redisson client for these settings; lazy, so an application starts even while Redis is down. */
    public RedissonClient createRedisson() {
        return Redisson.create(redissonConfig());
    }

    /** The Redisson configuration {@link #createRedisson()} uses: address, credentials, TLS stores. */
    public Config redissonConfig() {
        Config config = new Config();
        config.setLazyInitialization(true);
        config.useSingleServer().setAddress(uri());
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
