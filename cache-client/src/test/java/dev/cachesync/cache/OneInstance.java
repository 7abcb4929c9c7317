package dev.cachesync.cache;

import dev.cachesync.devstack.DevStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.redisson.api.RedissonClient;

/** Base of tests that need one Redisson client on devstack's Redis for the whole class. */
public abstract class OneInstance {

    protected static RedissonClient redisson;

    @BeforeAll
    static void connectOneInstance() {
        redisson = TestRedis.client(DevStack.redis());
    }

    @AfterAll
    static void disconnectOneInstance() {
        redisson.shutdown();
    }
}
