package dev.cachesync.spring;

import dev.cachesync.devstack.RedisServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts {@link QuoteApplication} contexts on a Redis: what a second service instance is, in a test. */
public final class StarterContexts {

    private StarterContexts() {
    }

    public static String uniquePrefix() {
        return "starter-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** Properties that point the starter at {@code redis} under {@code prefix}; {@code more} may override them. */
    public static List<String> properties(RedisServer redis, String prefix, String... more) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("cachesync.redis.host", redis.host());
        properties.put("cachesync.redis.port", Integer.toString(redis.port()));
        properties.put("cachesync.redis.key-prefix", prefix);
        // generous: CI machines are shared, and a slow Redis call is a miss (assertions on tiers would flake)
        properties.put("cachesync.client.redis-timeout", "5s");
        properties.put("cachesync.client.sweep-interval", "0s");
        properties.put("management.endpoint.health.show-details", "always");
        for (String property : more) {
            String[] nameAndValue = property.split("=", 2);
            properties.put(nameAndValue[0], nameAndValue[1]);
        }
        return properties.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    public static ConfigurableApplicationContext start(RedisServer redis, String prefix, String... more) {
        SpringApplication app = new SpringApplication(QuoteApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        return app.run(properties(redis, prefix, more).stream().map(p -> "--" + p).toArray(String[]::new));
    }
}
