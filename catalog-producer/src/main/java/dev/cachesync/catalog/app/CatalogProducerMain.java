package dev.cachesync.catalog.app;

import dev.cachesync.runtime.ServiceMain;

/** Runs the catalog service until SIGTERM/SIGINT; configuration from environment variables (see README). */
public final class CatalogProducerMain {
    private CatalogProducerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run("catalog-producer", CatalogConfig::fromEnv, CatalogApp::start);
    }
}
