package dev.cachesync.catalog.outbox;

import dev.cachesync.catalog.product.ProductChange;
import dev.cachesync.catalog.publish.ProductEventProducerSettings;
import dev.cachesync.catalog.publish.ProductEvents;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.HopHeaders;
import dev.cachesync.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox rows to Kafka ({@code catalog.product-events.v1}, key = product id) and marks them sent.
 *
 * <p>How delivery is guaranteed:
 * <ul>
 *   <li><b>Nothing lost.</b> A row is marked sent only after the broker acknowledged it ({@code acks=all}); until
 *       then it stays pending and is sent again, so a Kafka (or registry) outage only delays events. Writes keep
 *       committing meanwhile: they touch the database alone.</li>
 *   <li><b>One relay at a time, in order.</b> Each round runs in one database transaction that first takes the
 *       row lock of {@code outbox_relay_lock} with {@code FOR UPDATE SKIP LOCKED} (PostgreSQL and H2 2.x both
 *       support it), reads the oldest pending rows by {@code seq}, sends them, waits for the acknowledgements,
 *       marks them sent and commits. Other relay instances skip the round while the lock is held, so no two
 *       relays publish the same row and rows leave in {@code seq} order, which per product is version order.
 *       (Row-level SKIP LOCKED on the outbox itself would let a second relay send version 3 of a product while
 *       the first still holds version 2, breaking per-product order; one lock per round keeps it simple.)</li>
 *   <li><b>Nothing twice.</b> The idempotent producer ({@code enable.idempotence}, {@code acks=all}) makes its
 *       own retries invisible in the topic and keeps per-partition order. The one window left is a relay that
 *       dies (or a send that times out) after the broker stored a record but before the row was marked sent:
 *       that row is sent again. Events carry {@code eventId} and a per-product {@code version}, so consumers can
 *       drop such a repeat; invalidation is idempotent anyway.</li>
 * </ul>
 *
 * <p>Woken at once by every commit: in this process by {@link #wakeUp()}, and from any process on PostgreSQL by
 * {@code LISTEN} on {@value #NOTIFY_CHANNEL} (the {@link OutboxWriter} sends {@code NOTIFY} in the change's
 * transaction, delivered at commit). The poll interval is only the safety net for a lost notification. Each
 * record carries the time it was handed to the producer in the header {@link HopHeaders#RELAY_SENT_AT_MICROS},
 * for the invalidator's per-hop lag.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** The PostgreSQL channel a committed outbox row is announced on ({@link OutboxWriter} sends the NOTIFY). */
    public static final String NOTIFY_CHANNEL = "cachesync_outbox";
    /** How long the listener blocks for a notification before it looks whether the relay is closing. */
    private static final int LISTEN_WAIT_MILLIS = 250;

    private final DataSource dataSource;
    private final Supplier<Producer<String, ProductEvent>> producerFactory;
    private final String topic;
    private final String lockName;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration maxBackoff;
    private final Duration sentRetention;
    private final int deleteBatchSize;
    private final boolean listenForCommits;
    private final Clock clock;
    private final Semaphore wakeUps = new Semaphore(0);
    private final Counter published;
    private final Counter failures;
    private final Timer commitToAck;
    private final OutboxMonitor monitor;

    private static final Duration DELETE_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_DELETE_BATCHES = 1000;

    private final Object round = new Object(); // one relay round at a time per instance
    private volatile Producer<String, ProductEvent> producer; // replaced only inside a round
    private volatile Thread thread;
    private volatile Thread listener;
    private volatile boolean listening;
    private volatile boolean running;
    private volatile Instant lastDelete = Instant.EPOCH;

    private OutboxRelay(Builder b) {
        this.dataSource = b.dataSource;
        this.producerFactory = b.producerFactory;
        this.topic = b.topic;
        this.lockName = b.lockName;
        this.batchSize = b.batchSize;
        this.pollInterval = b.pollInterval;
        this.maxBackoff = b.maxBackoff;
        this.sentRetention = b.sentRetention;
        this.deleteBatchSize = b.deleteBatchSize;
        this.listenForCommits = b.listenForCommits;
        this.clock = b.clock;
        MeterRegistry meters = b.meterRegistry;
        this.published = Counter.builder("catalog.outbox.published").description("Outbox rows acknowledged by Kafka")
                .register(meters);
        this.failures = Counter.builder("catalog.outbox.publish.failures").description("Failed relay rounds")
                .register(meters);
        this.commitToAck = Timer.builder("catalog.outbox.publish.latency")
                .description("From the change's commit to Kafka's acknowledgement")
                // A histogram, not client-side percentiles (Micrometer's Prometheus registry exposes only one of the two):
                // quantiles come from histogram_quantile() and add up over relay instances.
                .publishPercentileHistogram().register(meters);
        this.monitor = new OutboxMonitor(dataSource, clock);
        Gauge.builder("catalog.outbox.backlog", monitor, m -> m.stats().backlog())
                .description("Outbox rows not yet acknowledged by Kafka").register(meters);
        Gauge.builder("catalog.outbox.oldest.unsent.age", monitor, m -> m.stats().oldestUnsentAge().toMillis() / 1000.0)
                .description("Seconds the oldest unsent outbox row has waited").baseUnit("seconds").register(meters);
    }

    /** A relay publishing with the standard idempotent producer to {@code bootstrapServers}. */
    public static Builder builder(DataSource dataSource, ProductEventProducerSettings producer) {
        return new Builder(dataSource, producer::create);
    }

    /** A relay using producers from {@code producerFactory} (called again after a fatal producer error). */
    public static Builder builder(DataSource dataSource, Supplier<Producer<String, ProductEvent>> producerFactory) {
        return new Builder(dataSource, producerFactory);
    }

    /** Starts relaying on a background thread. */
    public synchronized OutboxRelay start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::run, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
        if (listenForCommits && isPostgres()) {
            listener = new Thread(this::listen, "outbox-relay-listener");
            listener.setDaemon(true);
            listener.start();
        }
        return this;
    }

    /** True while the relay is subscribed to PostgreSQL's commit notifications ({@value #NOTIFY_CHANNEL}). */
    public boolean isListening() {
        return listening;
    }

    private boolean isPostgres() {
        try (Connection c = dataSource.getConnection()) {
            return c.isWrapperFor(PGConnection.class);
        } catch (SQLException e) {
            log.warn("cannot tell whether the outbox is on PostgreSQL; relying on polling: {}", e.toString());
            return false;
        }
    }

    /**
     * Holds one pooled connection with {@code LISTEN} and wakes the relay on every notification: a commit in
     * another catalog instance (or any process writing the outbox) is relayed within a round trip instead of
     * at the next poll. Reconnects with backoff; after each (re)subscription it wakes the relay once, since
     * notifications sent while it was not listening are lost.
     */
    private void listen() {
        int failures = 0;
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                PGConnection pg = c.unwrap(PGConnection.class);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + NOTIFY_CHANNEL);
                }
                if (!c.getAutoCommit()) {
                    c.commit(); // LISTEN takes effect at commit
                }
                listening = true;
                if (failures > 0) {
                    log.info("outbox relay listens for commits again");
                }
                failures = 0;
                wakeUp();
                while (running) {
                    var notifications = pg.getNotifications(LISTEN_WAIT_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        wakeUp();
                    }
                }
                listening = false;
                try (Statement s = c.createStatement()) {
                    s.execute("UNLISTEN *"); // the connection goes back to the pool: its next user must not collect them
                }
            } catch (SQLException e) {
                listening = false;
                if (!running) {
                    return;
                }
                failures++;
                Duration backoff = backoff(failures);
                if (failures == 1) {
                    log.warn("outbox relay lost its commit notifications (polling every {} ms meanwhile), "
                            + "listening again in {} ms: {}", pollInterval.toMillis(), backoff.toMillis(), e.toString());
                }
                try {
                    Thread.sleep(backoff.toMillis()); // backoff before reconnecting, not synchronisation
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } finally {
                listening = false;
            }
        }
    }

    /** Asks the relay to look at the outbox now instead of at its next poll; cheap, call after every commit. */
    public void wakeUp() {
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    public boolean isRunning() {
        return running && thread != null && thread.isAlive();
    }

    /** Current backlog, read from the database now. */
    public OutboxStats stats() {
        return monitor.query(clock.instant());
    }

    private void run() {
        int failedRounds = 0;
        while (running) {
            try {
                int sent = relayOnce();
                failedRounds = 0;
                deleteSentRowsNowAndThen();
                if (sent < batchSize) {
                    pause(pollInterval);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                failedRounds++;
                failures.increment();
                Duration backoff = backoff(failedRounds);
                log.warn("outbox relay round failed ({} in a row), retrying in {} ms: {}", failedRounds,
                        backoff.toMillis(), e.toString());
                try {
                    pause(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Duration backoff(int failedRounds) {
        long millis = Math.min(maxBackoff.toMillis(), 100L << Math.min(failedRounds, 10));
        return Duration.ofMillis(millis);
    }

    private void pause(Duration duration) throws InterruptedException {
        wakeUps.tryAcquire(duration.toMillis(), TimeUnit.MILLISECONDS);
        wakeUps.drainPermits();
    }

    /**
     * One round: if this relay gets the lock, publish up to {@code batchSize} pending rows and mark the acknowledged
     * ones sent. Returns how many were published (0 if another relay holds the lock or nothing is pending).
     * Throws if a send failed; the rows acknowledged before the failure are still marked sent.
     */
    public int relayOnce() throws SQLException, InterruptedException {
        synchronized (round) {
            return relayRound();
        }
    }

    private int relayRound() throws SQLException, InterruptedException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<PendingRow> rows = lockAndReadPending(c);
                if (rows == null) {
                    c.rollback();
                    return 0;
                }
                if (rows.isEmpty()) {
                    c.commit();
                    return 0;
                }
                Delivery delivery = send(rows);
                markSent(c, delivery.acknowledged);
                c.commit();
                published.increment(delivery.acknowledged.size());
                if (delivery.failure != null) {
                    throw new RelayException("published " + delivery.acknowledged.size() + " of " + rows.size()
                            + " rows; the rest stay pending", delivery.failure);
                }
                return delivery.acknowledged.size();
            } catch (SQLException | RuntimeException | InterruptedException e) {
                safeRollback(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static final String TAKE_LOCK = "SELECT name FROM outbox_relay_lock WHERE name = ? FOR UPDATE SKIP LOCKED";
    private static final String PENDING = "SELECT seq, payload FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT ?";
    /**
     * The pending rows, read only while this transaction holds the lock: it already does when the statement before
     * took it (a row lock a transaction holds is not skipped by its own SKIP LOCKED), and another relay's lock makes
     * the EXISTS false, so nothing is scanned for a round that will not publish.
     */
    private static final String PENDING_IF_LOCKED = "SELECT seq, payload FROM outbox WHERE sent_at IS NULL"
            + " AND EXISTS (" + TAKE_LOCK + ") ORDER BY seq LIMIT ?";

    /**
     * Takes the relay lock and reads up to {@code batchSize} pending rows by {@code seq}; null when another relay
     * holds the lock. On PostgreSQL the two statements go in one round trip (the driver sends both, then one Sync):
     * the server still runs them one after the other, each with its own snapshot in READ COMMITTED, so the rows are
     * read after the lock was taken, as with two round trips, and a relay that took the lock just as another
     * released it sees the rows the other marked sent. (One statement that locks and reads would read with a
     * snapshot taken before its lock: rows another relay had just sent would be sent again, out of order.)
     */
    private List<PendingRow> lockAndReadPending(Connection c) throws SQLException {
        if (!c.isWrapperFor(PGConnection.class)) {
            return tryLock(c) ? pending(c) : null;
        }
        try (PreparedStatement ps = c.prepareStatement(TAKE_LOCK + "; " + PENDING_IF_LOCKED)) {
            ps.setString(1, lockName);
            ps.setString(2, lockName);
            ps.setInt(3, batchSize);
            ps.execute();
            boolean locked;
            try (ResultSet rs = ps.getResultSet()) {
                locked = rs.next();
            }
            if (!ps.getMoreResults()) {
                throw new SQLException("the pending rows' statement returned no result set");
            }
            try (ResultSet rs = ps.getResultSet()) {
                // not locked by the first statement but by the second (the other relay ended in between): its
                // rows come from a snapshot older than that lock, so they are not used; the rollback releases it
                return locked ? rows(rs) : null;
            }
        }
    }

    private boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TAKE_LOCK)) {
            ps.setString(1, lockName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private List<PendingRow> pending(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PENDING)) {
            ps.setInt(1, batchSize);
            try (ResultSet rs = ps.executeQuery()) {
                return rows(rs);
            }
        }
    }

    private static List<PendingRow> rows(ResultSet rs) throws SQLException {
        List<PendingRow> rows = new ArrayList<>();
        while (rs.next()) {
            rows.add(new PendingRow(rs.getLong(1), OutboxPayload.fromJson(rs.getString(2))));
        }
        return rows;
    }

    private record PendingRow(long seq, ProductChange change) {
    }

    private record Delivery(List<PendingRow> acknowledged, Exception failure) {
    }

    /** Sends rows in order; stops at a row that cannot even be handed to the producer (e.g. registry down). */
    private Delivery send(List<PendingRow> rows) throws InterruptedException {
        Producer<String, ProductEvent> p = producer();
        List<Future<RecordMetadata>> futures = new ArrayList<>(rows.size());
        Exception failure = null;
        for (PendingRow row : rows) {
            ProductChange change = row.change();
            Future<RecordMetadata> future;
            try {
                RecordHeaders headers = new RecordHeaders();
                headers.add(HopHeaders.RELAY_SENT_AT_MICROS, HopHeaders.encode(clock.instant()));
                future = p.send(new ProducerRecord<>(topic, null, change.productId(), ProductEvents.toAvro(change),
                                headers),
                        (metadata, error) -> {
                            if (error == null) {
                                commitToAck.record(Duration.between(change.occurredAt(), clock.instant()));
                            }
                        });
            } catch (RuntimeException e) {
                failure = e;
                break;
            }
            // KafkaProducer does not throw when it cannot take a record (no metadata within max.block.ms, buffer
            // full): it returns a failed future. Going on would hand it the later rows, which may get through once
            // the broker is back, putting version 3 of a product in the topic before its version 2.
            Exception refused = failureIfDone(future);
            if (refused != null) {
                failure = refused;
                break;
            }
            futures.add(future);
        }
        p.flush();
        List<PendingRow> acknowledged = new ArrayList<>(futures.size());
        for (int i = 0; i < futures.size(); i++) {
            try {
                futures.get(i).get();
                acknowledged.add(rows.get(i));
            } catch (ExecutionException e) {
                // Later rows of other partitions may still have been stored: mark every acknowledged row sent.
                if (failure == null) {
                    failure = e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
        if (failure != null && !(failure instanceof RetriableException)) {
            closeProducer(); // a fresh producer after a non-retriable error (e.g. fenced, out of sequence)
        }
        return new Delivery(acknowledged, failure);
    }

    private static Exception failureIfDone(Future<RecordMetadata> future) throws InterruptedException {
        if (!future.isDone()) {
            return null;
        }
        try {
            future.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private void markSent(Connection c, List<PendingRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET sent_at = ? WHERE seq = ?")) {
            OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
            for (PendingRow row : rows) {
                ps.setObject(1, now);
                ps.setLong(2, row.seq());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Once a minute, deletes sent rows older than the retention; a failure is logged and retried next time. */
    private void deleteSentRowsNowAndThen() {
        Instant now = clock.instant();
        if (Duration.between(lastDelete, now).compareTo(DELETE_INTERVAL) < 0) {
            return;
        }
        lastDelete = now;
        try {
            int deleted = deleteSentRows();
            if (deleted > 0) {
                log.debug("deleted {} sent outbox rows", deleted);
            }
        } catch (SQLException e) {
            log.warn("could not delete sent outbox rows: {}", e.toString());
        }
    }

    /**
     * Deletes rows that were sent more than {@code sentRetention} ago, in short transactions of at most
     * {@code deleteBatchSize} rows (one huge DELETE would hold its locks and its WAL for as long as it runs), and at
     * most {@value #MAX_DELETE_BATCHES} of them per call so the relay gets back to publishing; the rest goes next
     * time. Unsent rows are never deleted. Returns how many rows were deleted.
     */
    public int deleteSentRows() throws SQLException {
        OffsetDateTime sentBefore = OffsetDateTime.ofInstant(clock.instant().minus(sentRetention), ZoneOffset.UTC);
        int total = 0;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE seq IN"
                     + " (SELECT seq FROM outbox WHERE sent_at < ? LIMIT ?)")) {
            for (int batch = 0; batch < MAX_DELETE_BATCHES; batch++) {
                ps.setObject(1, sentBefore);
                ps.setInt(2, deleteBatchSize);
                int deleted = ps.executeUpdate();
                total += deleted;
                if (deleted < deleteBatchSize) {
                    break;
                }
            }
        }
        return total;
    }

    private Producer<String, ProductEvent> producer() {
        if (producer == null) {
            producer = producerFactory.get();
        }
        return producer;
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                log.debug("closing producer", e);
            }
            producer = null;
        }
    }

    private static void safeRollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("rollback failed", e);
        }
    }

    /**
     * Stops relaying: waits for the current round (at most {@code timeout}), then closes the producer, which
     * fails sends still waiting for a broker; their rows stay pending for the next relay.
     */
    public void close(Duration timeout) {
        running = false;
        Thread t = thread;
        wakeUp();
        Thread l = listener;
        if (l != null) {
            try {
                l.join(LISTEN_WAIT_MILLIS * 4L); // it looks at running between two waits for a notification
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Producer<String, ProductEvent> p = producer;
        if (t != null) {
            try {
                t.join(timeout.toMillis());
                if (t.isAlive() && p != null) {
                    p.close(Duration.ZERO); // aborts a round stuck waiting for an absent broker
                    t.join(timeout.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (t == null || !t.isAlive()) {
            synchronized (round) {
                closeProducer();
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** A relay round that published only part of its rows. */
    public static final class RelayException extends RuntimeException {
        RelayException(String message, Throwable cause) {
            super(message + ": " + cause, cause);
        }
    }

    public static final class Builder {
        private final DataSource dataSource;
        private final Supplier<Producer<String, ProductEvent>> producerFactory;
        private String topic = Topics.PRODUCT_EVENTS;
        private String lockName = "product-events";
        private int batchSize = 500;
        private Duration pollInterval = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration sentRetention = Duration.ofDays(1);
        private int deleteBatchSize = 1000;
        private boolean listenForCommits = true;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry = new SimpleMeterRegistry();

        private Builder(DataSource dataSource, Supplier<Producer<String, ProductEvent>> producerFactory) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.producerFactory = Objects.requireNonNull(producerFactory, "producerFactory");
        }

        public Builder topic(String topic) { this.topic = Objects.requireNonNull(topic); return this; }

        /** Most rows per round (one transaction). */
        public Builder batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batchSize must be > 0");
            }
            this.batchSize = batchSize;
            return this;
        }

        /** How often an idle relay looks for rows nobody woke it for (e.g. written by another instance). */
        public Builder pollInterval(Duration pollInterval) { this.pollInterval = Objects.requireNonNull(pollInterval); return this; }

        /** Longest wait between retries after failures (backoff doubles from 200 ms). */
        public Builder maxBackoff(Duration maxBackoff) { this.maxBackoff = Objects.requireNonNull(maxBackoff); return this; }

        /** How long sent rows are kept (for inspection) before the relay deletes them; default one day. */
        public Builder sentRetention(Duration retention) {
            if (retention.isNegative()) {
                throw new IllegalArgumentException("sentRetention must not be negative");
            }
            this.sentRetention = retention;
            return this;
        }

        /** Most sent rows one cleanup transaction deletes; default 1000. */
        public Builder deleteBatchSize(int deleteBatchSize) {
            if (deleteBatchSize <= 0) {
                throw new IllegalArgumentException("deleteBatchSize must be > 0");
            }
            this.deleteBatchSize = deleteBatchSize;
            return this;
        }

        /**
         * On PostgreSQL, wake up on every commit's {@code NOTIFY} ({@value OutboxRelay#NOTIFY_CHANNEL}), holding one
         * pooled connection for it; default true. Turn it off where LISTEN does not work (PgBouncer in transaction
         * mode): the relay then relies on the in-process wake-up and the poll interval.
         */
        public Builder listenForCommits(boolean listen) { this.listenForCommits = listen; return this; }

        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

        /** Where the backlog, oldest-row age, publish latency and counters go. */
        public Builder meterRegistry(MeterRegistry registry) { this.meterRegistry = Objects.requireNonNull(registry); return this; }

        public OutboxRelay build() {
            return new OutboxRelay(this);
        }
    }
}
