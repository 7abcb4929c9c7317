package dev.cachesync.demo;

import dev.cachesync.demo.stack.DemoStack;
import dev.cachesync.runtime.JdkHttpServers;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./demo.sh}: starts Kafka, Redis, the schema registry, the catalog service, the invalidator and ten
 * order-service instances on this machine, runs the guide's tests and the performance comparison, prints what it
 * measured, and stops everything (also on Ctrl-C). See {@link DemoOptions#USAGE}.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) {
        JdkHttpServers.sendWithoutDelay(); // the catalog's DelayingProxy adds only the latency it is asked for
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (DemoOptions.BadOption e) {
            System.err.println("demo: " + e.getMessage());
            System.err.print(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(DemoOptions.USAGE);
            return;
        }
        // Before the first logger: the libraries' logs go to a file, the console shows the demo.
        Path log = options.outputDir().resolve("demo.log").toAbsolutePath();
        System.setProperty("demo.log.file", log.toString());
        System.exit(run(options, "./demo.sh" + (args.length == 0 ? "" : " " + String.join(" ", args)), System.out));
    }

    /** Runs the demo on a private stack; returns the exit code. */
    static int run(DemoOptions options, String command, PrintStream out) {
        DemoRun run = new DemoRun(options, DemoStack.Infrastructure.PRIVATE, "catalog-cache:", command, out);
        // Whoever gets here first (the end of main, or Ctrl-C) stops everything; the other waits for it.
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stopAll = () -> {
            out.println();
            out.println("Stopping everything ...");
            try {
                run.close();
                out.println("Stopped: order services, proxy, catalog, invalidator, registry, Redis and Kafka.");
            } finally {
                stopped.countDown();
            }
        };
        Thread hook = new Thread(() -> {
            if (stopping.compareAndSet(false, true)) {
                stopAll.run();
            } else {
                awaitQuietly(stopped);
            }
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int exitCode = 0;
        try {
            Files.createDirectories(options.outputDir());
            run.execute();
            if (options.keepRunning()) {
                run.printWhereEverythingIs();
                stopped.await(); // until Ctrl-C: the hook stops the stack
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exitCode = 130;
        } catch (Exception e) {
            if (!stopping.get()) {
                out.println();
                out.println("demo failed: " + e);
                out.println("(details in " + options.outputDir().resolve("demo.log").toAbsolutePath() + ")");
                org.slf4j.LoggerFactory.getLogger(Demo.class).error("demo failed", e);
            }
            exitCode = 1;
        } finally {
            if (stopping.compareAndSet(false, true)) {
                stopAll.run();
            } else {
                awaitQuietly(stopped);
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the JVM is exiting already
        }
        return exitCode;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
