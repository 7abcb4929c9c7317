package dev.cachesync.cache.client;

import dev.cachesync.cache.store.KeyLayout;
import java.util.Map;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redis connection settings from the environment: {@code REDIS_HOST} (default 127.0.0.1), {@code REDIS_PORT}
 * (6379), {@code REDIS_PASSWORD} (none), {@code REDIS_KEY_PREFIX} ({@code catalog-cache:}), {@code IS_ELASTICACHE} (true = the deployment
 * forbids CONFIG commands; cachesync never sends them: it needs no keyspace notifications, so the flag only
 * documents that the setup is safe there).
 */
public record RedisSettings(String host, int port, String password, String keyPrefix, boolean elastiCache) {

    /** Settings without a password. */
    public RedisSettings(String host, int port, String keyPrefix, boolean elastiCache) {
        this(host, port, null, keyPrefix, elastiCache);
    }

    @Override
    public String toString() {
        // Never log the password.
        return "RedisSettings[" + uri() + ", prefix=" + keyPrefix + ", password=" + (password == null ? "none" : "set")
                + ", elastiCache=" + elastiCache + "]";
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
        String password = env.get("REDIS_PASSWORD");
        return new RedisSettings(host, port, password == null || password.isEmpty() ? null : password, prefix, elastiCache);
    }

    public String uri() {
        return "redis://" + host + ":" + port;
    }

    /** A Redisson client for these settings; lazy, so an application starts even while Redis is down. */
    public RedissonClient createRedisson() {
        Config config = new Config();
        config.setLazyInitialization(true);
        var server = config.useSingleServer().setAddress(uri());
        if (password != null) {
            server.setPassword(password);
        }
        return Redisson.create(config);
    }
}
