package dev.cachesync.runtime;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * How every cachesync service starts and stops: its logging configured before the first logger, its configuration
 * read from the environment (a bad value stops it with exit code 2 and the reader's message, which names the
 * variable and never a secret's value), then it runs until SIGTERM or SIGINT and is closed on the way out (the
 * invalidator, say, purges its current batch, commits and leaves its group before the process exits).
 */
public final class ServiceMain {
    /** The exit code of a process whose configuration was refused. */
    public static final int BAD_CONFIGURATION = 2;

    private ServiceMain() {
    }

    /**
     * Runs {@code service} until the process is told to stop.
     *
     * @param service its name: messages start with it, its logging is {@code <service>-logback.xml} from its jar
     *                (unless the process set {@code logback.configurationFile}: not named {@code logback.xml}, so
     *                an application that embeds the service keeps its own)
     * @param config  reads the configuration; an {@link IllegalArgumentException} is a refused value
     * @param start   starts the service with it
     */
    public static <C> void run(String service, Function<Map<String, String>, C> config,
                               Function<C, ? extends AutoCloseable> start) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", service + "-logback.xml"); // before the first logger
        }
        C settings;
        try {
            settings = config.apply(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(service + ": bad configuration: " + e.getMessage());
            System.exit(BAD_CONFIGURATION);
            return;
        }
        AutoCloseable app = start.apply(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                app.close();
            } catch (Exception e) {
                System.err.println(service + ": error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, service + "-shutdown"));
        stopped.await();
    }
}
