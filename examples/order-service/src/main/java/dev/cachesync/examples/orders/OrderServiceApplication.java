package dev.cachesync.examples.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * An order service on cachesync: the starter builds the Redisson client, the caching client and the catalog client
 * from {@code cachesync.*} / {@code REDIS_*}, and backs {@code @Cacheable} with the two tiers.
 */
@SpringBootApplication
@EnableCaching
public class OrderServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrderServiceApplication.class, args);
    }
}
