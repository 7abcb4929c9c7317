package dev.cachesync.catalog.app;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the catalog service until SIGTERM/SIGINT; configuration from environment variables (see README). */
public final class CatalogProducerMain {
    private CatalogProducerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "catalog-producer-logback.xml"); // before the first logger
        }
        Logger log = LoggerFactory.getLogger(CatalogProducerMain.class);
        CatalogConfig config;
        try {
            config = CatalogConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("catalog-producer: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        CatalogApp app = CatalogApp.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down");
            app.close();
            stopped.countDown();
        }, "catalog-shutdown"));
        stopped.await();
    }
}
