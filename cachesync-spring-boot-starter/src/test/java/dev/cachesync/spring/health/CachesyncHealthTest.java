package dev.cachesync.spring.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.devstack.RedisServer;
import dev.cachesync.spring.QuoteApplication.QuoteService;
import dev.cachesync.spring.StarterContexts;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ConfigurableApplicationContext;

/** The Actuator health indicator on a private Redis that the test stops. */
class CachesyncHealthTest {

    @Test
    void upWhileRedisAnswersDownWhenItStopsAndReadersStillGetAnswers() throws Exception {
        try (RedisServer redis = RedisServer.start();
             ConfigurableApplicationContext context = StarterContexts.start(redis, StarterContexts.uniquePrefix(),
                     "cachesync.client.redis-retry-after=100ms", "cachesync.client.redis-timeout=1s")) {
            HealthIndicator cachesync = (HealthIndicator) context.getBean(HealthContributorRegistry.class)
                    .getContributor("cachesync");
            QuoteService quotes = context.getBean(QuoteService.class);
            quotes.quote("p-1"); // the near cache subscribes to its invalidation channel on first use

            await().atMost(Duration.ofSeconds(10)).until(() -> cachesync.health(true).getStatus().equals(Status.UP));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "held".equals(cachesync.health(true).getDetails().get("nearCacheLease")));
            assertThat(cachesync.health(true).getDetails()).containsEntry("redis", "reachable")
                    .containsKey("invalidationChannel");

            redis.stop();

            await().atMost(Duration.ofSeconds(20)).until(() -> cachesync.health(true).getStatus().equals(Status.DOWN));
            // a reader never gets a cache error: the method runs (or the near cache answers)
            assertThat(quotes.quote("p-2").productId()).isEqualTo("p-2");
        }
    }
}
