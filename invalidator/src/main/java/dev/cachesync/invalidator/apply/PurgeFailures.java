package dev.cachesync.invalidator.apply;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.redisson.client.RedisAuthRequiredException;
import org.redisson.client.RedisBusyException;
import org.redisson.client.RedisClusterDownException;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisLoadingException;
import org.redisson.client.RedisMasterDownException;
import org.redisson.client.RedisNoReplicasException;
import org.redisson.client.RedisNodeNotFoundException;
import org.redisson.client.RedisOutOfMemoryException;
import org.redisson.client.RedisReadonlyException;
import org.redisson.client.RedisReconnectedException;
import org.redisson.client.RedisRedirectException;
import org.redisson.client.RedisRetryException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.RedisTryAgainException;
import org.redisson.client.RedisWaitException;
import org.redisson.client.RedisWrongPasswordException;

/**
 * Sorts a failed purge into what retrying can fix and what it cannot. Pure policy, no I/O.
 *
 * <p>Transient: Redis unreachable or slow (connection, timeout), answering with an error that says "later"
 * (LOADING after a restart, BUSY while a script runs, OOM while memory is full, MASTERDOWN, READONLY during a
 * failover, TRYAGAIN, CLUSTERDOWN, NOREPLICAS, a redirect), or refusing our credentials: whatever would fail every
 * purge alike is not one invalidation's fault, so it is never dead-lettered. Everything else is deterministic: the
 * same purge would fail the same way again (WRONGTYPE on a tag key, a script error, a tag the purger refuses).
 * Redisson turns some replies into exception types and drops their code from the message (OOM), so both are read.
 */
public final class PurgeFailures {
    /** The two classes of failure. */
    public enum Kind { TRANSIENT, DETERMINISTIC }

    /** Redis error codes that mean "try again later"; they start the error text or a script error's inner one. */
    private static final Pattern TRANSIENT_REPLY =
            Pattern.compile("(^|[\\s:\\-])(LOADING|BUSY|OOM|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)\\b");

    private PurgeFailures() {
    }

    public static Kind classify(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (isTransientType(cause)) {
                return Kind.TRANSIENT;
            }
            String message = cause.getMessage();
            if (message != null && TRANSIENT_REPLY.matcher(message).find()) {
                return Kind.TRANSIENT;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Kind.DETERMINISTIC;
    }

    private static boolean isTransientType(Throwable cause) {
        return cause instanceof RedisConnectionException || cause instanceof RedisTimeoutException
                || cause instanceof RedisOutOfMemoryException || cause instanceof RedisLoadingException
                || cause instanceof RedisBusyException || cause instanceof RedisMasterDownException
                || cause instanceof RedisReadonlyException || cause instanceof RedisTryAgainException
                || cause instanceof RedisClusterDownException || cause instanceof RedisNoReplicasException
                || cause instanceof RedisRetryException || cause instanceof RedisReconnectedException
                || cause instanceof RedisRedirectException || cause instanceof RedisNodeNotFoundException
                || cause instanceof RedisWaitException || cause instanceof RedisAuthRequiredException
                || cause instanceof RedisWrongPasswordException
                || cause instanceof TimeoutException || cause instanceof IOException
                || cause instanceof InterruptedException;
    }
}
