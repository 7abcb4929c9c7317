package dev.cachesync.catalog.product;

import dev.cachesync.catalog.testing.TestDatabase;

/** Needs CATALOG_TEST_POSTGRES_URL; skipped with instructions otherwise. */
class ProductStorePostgresTest extends ProductStoreContract {
    @Override
    TestDatabase openDatabase() {
        return TestDatabase.postgres();
    }
}
