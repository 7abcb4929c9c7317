package dev.cachesync.catalog.api;

import dev.cachesync.catalog.testing.TestDatabase;

class CatalogApiH2Test extends CatalogApiContract {
    @Override
    TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}
