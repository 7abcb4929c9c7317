package dev.cachesync.catalog.outbox;

import dev.cachesync.catalog.testing.TestDatabase;

class OutboxRelayH2Test extends OutboxRelayContract {
    @Override
    TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}
