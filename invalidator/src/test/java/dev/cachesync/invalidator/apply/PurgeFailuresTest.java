package dev.cachesync.invalidator.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeoutException;

import dev.cachesync.cache.store.CacheUnavailableException;
import dev.cachesync.invalidator.apply.PurgeFailures.Kind;
import org.junit.jupiter.api.Test;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisOutOfMemoryException;
import org.redisson.client.RedisTimeoutException;

class PurgeFailuresTest {

    @Test
    void redisUnreachableSlowOrSayingLaterIsTransient() {
        assertThat(PurgeFailures.classify(new RedisConnectionException("Unable to connect"))).isEqualTo(Kind.TRANSIENT);
        assertThat(PurgeFailures.classify(new RedisTimeoutException("no answer"))).isEqualTo(Kind.TRANSIENT);
        // Redisson's own type for OOM, whose message no longer starts with the code (seen on real Redis 7.0)
        assertThat(PurgeFailures.classify(new CacheUnavailableException("Redis failed: purge",
                new RedisOutOfMemoryException("command not allowed when used memory > 'maxmemory'. script: bc54"))))
                .isEqualTo(Kind.TRANSIENT);
        assertThat(PurgeFailures.classify(new CacheUnavailableException("Redis timed out after 30000 ms: purge",
                new TimeoutException()))).isEqualTo(Kind.TRANSIENT);
        for (String reply : new String[] {
                "LOADING Redis is loading the dataset in memory",
                "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.",
                "OOM command not allowed when used memory > 'maxmemory'.",
                "ERR user_script:7: -OOM command not allowed when used memory > 'maxmemory' script: abc",
                "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
                "READONLY You can't write against a read only replica.",
                "TRYAGAIN Multiple keys request during rehashing of slot",
                "CLUSTERDOWN The cluster is down",
                "NOREPLICAS Not enough good replicas to write."}) {
            RuntimeException wrapped = new CacheUnavailableException("Redis failed: purge: " + reply,
                    new RedisException(reply + ". channel: [id: 0x1]"));
            assertThat(PurgeFailures.classify(wrapped)).as(reply).isEqualTo(Kind.TRANSIENT);
        }
    }

    @Test
    void whatWouldFailTheSameWayAgainIsDeterministic() {
        for (String reply : new String[] {
                "WRONGTYPE Operation against a key holding the wrong kind of value",
                "ERR user_script:15: too many results to unpack script: 105a, on @user_script:15.",
                "ERR Error running script (call to f_1): @user_script:1: Script attempted to access nonexistent global",
                "BUSYKEY Target key name already exists."}) {
            assertThat(PurgeFailures.classify(new CacheUnavailableException("Redis failed: purge",
                    new RedisException(reply)))).as(reply).isEqualTo(Kind.DETERMINISTIC);
        }
        assertThat(PurgeFailures.classify(new IllegalArgumentException("invalid cache tag 'Bad Tag'")))
                .isEqualTo(Kind.DETERMINISTIC);
    }
}
