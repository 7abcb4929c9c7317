package dev.cachesync.catalog.api;

import dev.cachesync.catalog.testing.TestDatabase;

/** Needs CATALOG_TEST_POSTGRES_URL; skipped with instructions otherwise. */
class CatalogApiPostgresTest extends CatalogApiContract {
    @Override
    TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }
}
