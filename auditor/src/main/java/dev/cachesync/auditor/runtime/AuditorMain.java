package dev.cachesync.auditor.runtime;

import java.util.concurrent.CountDownLatch;

/** Runs the auditor until SIGTERM/SIGINT; configuration from environment variables ({@link AuditorConfig}). */
public final class AuditorMain {
    private AuditorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "auditor-logback.xml"); // before the first logger
        }
        AuditorConfig config;
        try {
            config = AuditorConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("auditor: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        AuditorApp app = AuditorApp.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "auditor-shutdown"));
        stopped.await();
    }
}
