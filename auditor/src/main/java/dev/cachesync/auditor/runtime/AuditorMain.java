package dev.cachesync.auditor.runtime;

import dev.cachesync.runtime.ServiceMain;

/** Runs the auditor until SIGTERM/SIGINT; configuration from environment variables ({@link AuditorConfig}). */
public final class AuditorMain {
    private AuditorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run("auditor", AuditorConfig::fromEnv, AuditorApp::start);
    }
}
