package dev.cachesync.spring;

import dev.cachesync.devstack.RedisServer;
import java.util.ArrayList;
import java.util.List;
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

    /** Properties that point the starter at {@code redis} under {@code prefix}. */
    public static List<String> properties(RedisServer redis, String prefix, String... more) {
        List<String> properties = new ArrayList<>(List.of(
                "cachesync.redis.host=" + redis.host(),
                "cachesync.redis.port=" + redis.port(),
                "cachesync.redis.key-prefix=" + prefix,
                "cachesync.client.redis-timeout=300ms",
                "cachesync.client.sweep-interval=0s",
                "management.endpoint.health.show-details=always"));
        properties.addAll(List.of(more));
        return properties;
    }

    public static ConfigurableApplicationContext start(RedisServer redis, String prefix, String... more) {
        SpringApplication app = new SpringApplication(QuoteApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        return app.run(properties(redis, prefix, more).stream().map(p -> "--" + p).toArray(String[]::new));
    }
}
