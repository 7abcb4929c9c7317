package dev.cachesync.runtime;

/**
 * The JDK's HTTP server ({@code com.sun.net.httpserver}) writes a response's headers and its body as two TCP
 * segments; with Nagle's algorithm on, the body waits for the client's delayed ACK of the headers: about 40 ms per
 * response (measured: fills through such an origin took 45 ms instead of 1). Its switch is a JVM-wide property,
 * read once when the JVM's first such server starts, so a process turns it on before it starts one.
 */
public final class JdkHttpServers {
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private JdkHttpServers() {
    }

    /** Sends without Nagle's delay, unless the process was started with the property set either way. */
    public static void sendWithoutDelay() {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }
}
