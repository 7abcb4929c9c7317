package dev.cachesync.catalog.outbox;

import dev.cachesync.catalog.testing.TestDatabase;

/** Needs CATALOG_TEST_POSTGRES_URL; skipped with instructions otherwise. */
class KafkaOutagePostgresTest extends KafkaOutageContract {
    @Override
    TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }
}
