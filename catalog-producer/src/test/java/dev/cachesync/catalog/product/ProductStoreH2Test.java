package dev.cachesync.catalog.product;

import dev.cachesync.catalog.testing.TestDatabase;

class ProductStoreH2Test extends ProductStoreContract {
    @Override
    TestDatabase openDatabase() {
        return TestDatabase.h2();
    }
}
