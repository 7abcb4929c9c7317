package dev.cachesync.spring.autoconfigure;

import dev.cachesync.cache.client.RedisSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code cachesync.*} settings. {@code cachesync.redis.*} means exactly what the {@code REDIS_*} environment
 * variables mean ({@link RedisSettings}, cache-client/README.md "Configuration"), and those variables keep working:
 * a property that is set wins, an unset one falls back to its variable, then to the variable's default. Every
 * other option left unset keeps the {@code CachingHttpClient.Builder} default.
 */
@ConfigurationProperties("cachesync")
public class CachesyncProperties {

    private final Redis redis = new Redis();
    private final Client client = new Client();
    private final Catalog catalog = new Catalog();
    private final Cache cache = new Cache();

    public Redis getRedis() {
        return redis;
    }

    public Client getClient() {
        return client;
    }

    public Catalog getCatalog() {
        return catalog;
    }

    public Cache getCache() {
        return cache;
    }

    /** Redis connection; each field stands for the environment variable named in its comment. */
    public static class Redis {
        /** REDIS_HOST. */
        private String host;
        /** REDIS_PORT. */
        private Integer port;
        /** REDIS_USERNAME (an ACL user; needs a password). */
        private String username;
        /** REDIS_PASSWORD. */
        private String password;
        /** REDIS_KEY_PREFIX: must match the invalidator's. */
        private String keyPrefix;
        /** IS_ELASTICACHE. */
        private Boolean elasticache;
        /** REDIS_TLS. */
        private Boolean tls;
        /** REDIS_SSL_TRUSTSTORE_PATH. */
        private String truststorePath;
        /** REDIS_SSL_TRUSTSTORE_PASSWORD. */
        private String truststorePassword;
        /** REDIS_SSL_KEYSTORE_PATH. */
        private String keystorePath;
        /** REDIS_SSL_KEYSTORE_PASSWORD. */
        private String keystorePassword;

        /**
         * The settings: {@code variables} (the environment: REDIS_* by name) overlaid with every property set
         * here, read and validated by {@link RedisSettings#from}, the one reader of those variables.
         */
        public RedisSettings settings(UnaryOperator<String> variables) {
            Map<String, String> env = new LinkedHashMap<>();
            for (String name : RedisSettings.VARIABLES) {
                String value = variables.apply(name);
                if (value != null) {
                    env.put(name, value);
                }
            }
            put(env, "REDIS_HOST", host);
            put(env, "REDIS_PORT", port);
            put(env, "REDIS_USERNAME", username);
            put(env, "REDIS_PASSWORD", password);
            put(env, "REDIS_KEY_PREFIX", keyPrefix);
            put(env, "IS_ELASTICACHE", elasticache);
            put(env, "REDIS_TLS", tls);
            put(env, "REDIS_SSL_TRUSTSTORE_PATH", truststorePath);
            put(env, "REDIS_SSL_TRUSTSTORE_PASSWORD", truststorePassword);
            put(env, "REDIS_SSL_KEYSTORE_PATH", keystorePath);
            put(env, "REDIS_SSL_KEYSTORE_PASSWORD", keystorePassword);
            return RedisSettings.from(env);
        }

        private static void put(Map<String, String> env, String variable, Object value) {
            if (value != null) {
                env.put(variable, value.toString());
            }
        }

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public Boolean getElasticache() {
            return elasticache;
        }

        public void setElasticache(Boolean elasticache) {
            this.elasticache = elasticache;
        }

        public Boolean getTls() {
            return tls;
        }

        public void setTls(Boolean tls) {
            this.tls = tls;
        }

        public String getTruststorePath() {
            return truststorePath;
        }

        public void setTruststorePath(String truststorePath) {
            this.truststorePath = truststorePath;
        }

        public String getTruststorePassword() {
            return truststorePassword;
        }

        public void setTruststorePassword(String truststorePassword) {
            this.truststorePassword = truststorePassword;
        }

        public String getKeystorePath() {
            return keystorePath;
        }

        public void setKeystorePath(String keystorePath) {
            this.keystorePath = keystorePath;
        }

        public String getKeystorePassword() {
            return keystorePassword;
        }

        public void setKeystorePassword(String keystorePassword) {
            this.keystorePassword = keystorePassword;
        }

        @Override
        public String toString() {
            return "Redis[host=" + host + ", port=" + port + ", password=" + (password == null ? "unset" : "set") + "]";
        }
    }

    /** {@code CachingHttpClient.builder()} options; unset ones keep the builder's defaults. */
    public static class Client {
        /** Base URI relative paths resolve against: the catalog API, e.g. http://catalog:8080/. */
        private URI origin;
        private Boolean nearCache;
        private Integer nearCacheMaxEntries;
        private Duration nearCacheLease;
        private Integer maxEntryBytes;
        private Duration requestTimeout;
        private Duration redisTimeout;
        private Duration redisRetryAfter;
        private Duration fillLockWait;
        private Duration fillLockTtl;
        private Duration staleRetention;
        private Duration maxEntryLifetime;
        private Duration sweepInterval;
        private String tagHeader;
        private Integer maxTagsPerResponse;

        public URI getOrigin() {
            return origin;
        }

        public void setOrigin(URI origin) {
            this.origin = origin;
        }

        public Boolean getNearCache() {
            return nearCache;
        }

        public void setNearCache(Boolean nearCache) {
            this.nearCache = nearCache;
        }

        public Integer getNearCacheMaxEntries() {
            return nearCacheMaxEntries;
        }

        public void setNearCacheMaxEntries(Integer nearCacheMaxEntries) {
            this.nearCacheMaxEntries = nearCacheMaxEntries;
        }

        public Duration getNearCacheLease() {
            return nearCacheLease;
        }

        public void setNearCacheLease(Duration nearCacheLease) {
            this.nearCacheLease = nearCacheLease;
        }

        public Integer getMaxEntryBytes() {
            return maxEntryBytes;
        }

        public void setMaxEntryBytes(Integer maxEntryBytes) {
            this.maxEntryBytes = maxEntryBytes;
        }

        public Duration getRequestTimeout() {
            return requestTimeout;
        }

        public void setRequestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
        }

        public Duration getRedisTimeout() {
            return redisTimeout;
        }

        public void setRedisTimeout(Duration redisTimeout) {
            this.redisTimeout = redisTimeout;
        }

        public Duration getRedisRetryAfter() {
            return redisRetryAfter;
        }

        public void setRedisRetryAfter(Duration redisRetryAfter) {
            this.redisRetryAfter = redisRetryAfter;
        }

        public Duration getFillLockWait() {
            return fillLockWait;
        }

        public void setFillLockWait(Duration fillLockWait) {
            this.fillLockWait = fillLockWait;
        }

        public Duration getFillLockTtl() {
            return fillLockTtl;
        }

        public void setFillLockTtl(Duration fillLockTtl) {
            this.fillLockTtl = fillLockTtl;
        }

        public Duration getStaleRetention() {
            return staleRetention;
        }

        public void setStaleRetention(Duration staleRetention) {
            this.staleRetention = staleRetention;
        }

        public Duration getMaxEntryLifetime() {
            return maxEntryLifetime;
        }

        public void setMaxEntryLifetime(Duration maxEntryLifetime) {
            this.maxEntryLifetime = maxEntryLifetime;
        }

        public Duration getSweepInterval() {
            return sweepInterval;
        }

        public void setSweepInterval(Duration sweepInterval) {
            this.sweepInterval = sweepInterval;
        }

        public String getTagHeader() {
            return tagHeader;
        }

        public void setTagHeader(String tagHeader) {
            this.tagHeader = tagHeader;
        }

        public Integer getMaxTagsPerResponse() {
            return maxTagsPerResponse;
        }

        public void setMaxTagsPerResponse(Integer maxTagsPerResponse) {
            this.maxTagsPerResponse = maxTagsPerResponse;
        }
    }

    /** The typed catalog client. */
    public static class Catalog {
        /** Threads of getProducts' concurrent lookups (the builder's default when unset). */
        private Integer concurrency;

        public Integer getConcurrency() {
            return concurrency;
        }

        public void setConcurrency(Integer concurrency) {
            this.concurrency = concurrency;
        }
    }

    /** The Spring Cache adapter ({@code @Cacheable} on the two tiers). */
    public static class Cache {
        /** Provide the CacheManager (when the application defines none). */
        private boolean enabled = true;
        /** How long a cached method result is fresh; a purge of its tags drops it earlier. */
        private Duration timeToLive = Duration.ofMinutes(10);
        /**
         * Packages whose classes may be read back from Redis (JSON with type ids); java.* and the application's
         * own packages (those of its @SpringBootApplication) are always trusted.
         */
        private List<String> trustedPackages = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getTimeToLive() {
            return timeToLive;
        }

        public void setTimeToLive(Duration timeToLive) {
            this.timeToLive = timeToLive;
        }

        public List<String> getTrustedPackages() {
            return trustedPackages;
        }

        public void setTrustedPackages(List<String> trustedPackages) {
            this.trustedPackages = trustedPackages;
        }
    }
}
