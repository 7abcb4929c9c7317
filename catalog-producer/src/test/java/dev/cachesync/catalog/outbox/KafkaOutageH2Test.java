package dev.cachesync.catalog.outbox;

import dev.cachesync.catalog.testing.TestDatabase;

class KafkaOutageH2Test extends KafkaOutageContract {
    @Override
    TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}
