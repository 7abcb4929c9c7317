package dev.cachesync.cache;

import dev.cachesync.devstack.DevStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.redisson.api.RedissonClient;

/** Base of tests that simulate two service instances: one Redisson client each, on devstack's Redis. */
public abstract class TwoInstances {

    protected static RedissonClient redisA;
    protected static RedissonClient redisB;

    @BeforeAll
    static void connectTwoInstances() {
        redisA = TestRedis.client(DevStack.redis());
        redisB = TestRedis.client(DevStack.redis());
    }

    @AfterAll
    static void disconnectTwoInstances() {
        redisA.shutdown();
        redisB.shutdown();
    }
}
