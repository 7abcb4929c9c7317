package dev.cachesync.invalidator.runtime;

import dev.cachesync.runtime.ServiceMain;

/**
 * Runs the invalidator until SIGTERM/SIGINT; configuration from environment variables ({@link InvalidatorConfig}).
 * On SIGTERM (Kubernetes) it purges the current batch, commits, leaves the group, then exits.
 */
public final class InvalidatorMain {
    private InvalidatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run("invalidator", InvalidatorConfig::fromEnv, InvalidatorApp::start);
    }
}
