package dev.cachesync.invalidator.runtime;

import java.util.concurrent.CountDownLatch;

/** Runs the invalidator until SIGTERM/SIGINT; configuration from environment variables ({@link InvalidatorConfig}). */
public final class InvalidatorMain {
    private InvalidatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "invalidator-logback.xml"); // before the first logger
        }
        InvalidatorConfig config;
        try {
            config = InvalidatorConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("invalidator: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        InvalidatorApp app = InvalidatorApp.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM from Kubernetes: purge the current batch, commit, leave the group, then exit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "invalidator-shutdown"));
        stopped.await();
    }
}
