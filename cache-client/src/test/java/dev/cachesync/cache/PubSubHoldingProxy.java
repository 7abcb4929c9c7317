package dev.cachesync.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of Redis that can hold the pub/sub connections going through it: while held, nothing Redis
 * sends on a connection that subscribed reaches the client (it waits in the socket buffers and is delivered, in
 * order, on {@link #release()}); every other connection keeps flowing. This is a stalled or partitioned pub/sub
 * connection as a client sees it: no error, no reconnection, just no messages. Redis' {@code CLIENT PAUSE} would
 * pause every client, and {@code CLIENT KILL} makes Redisson resubscribe at once (a path the near cache already
 * handles by clearing).
 *
 * <p>A connection counts as pub/sub once the client sent {@code SUBSCRIBE} on it (Redisson sends each command in
 * one write, so the word is never split across reads in practice).
 */
public final class PubSubHoldingProxy implements AutoCloseable {

    private final String redisHost;
    private final int redisPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean held; // guarded by gate
    private volatile boolean closed;

    public PubSubHoldingProxy(String redisHost, int redisPort) {
        this.redisHost = redisHost;
        this.redisPort = redisPort;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread("pubsub-proxy-accept", this::accept).start();
    }

    /** {@code redis://127.0.0.1:port} of the proxy. */
    public String uri() {
        return "redis://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** From now on, nothing Redis sends on a subscribed connection reaches its client. */
    public void hold() {
        synchronized (gate) {
            held = true;
        }
    }

    /** Delivers what was held, in order, and lets everything through again. */
    public void release() {
        synchronized (gate) {
            held = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket redis = new Socket(redisHost, redisPort);
                client.setTcpNoDelay(true);
                redis.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(redis);
                boolean[] subscribed = {false};
                thread("pubsub-proxy-up", () -> pump(client, redis, subscribed, true)).start();
                thread("pubsub-proxy-down", () -> pump(redis, client, subscribed, false)).start();
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean[] subscribed, boolean toRedis) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (toRedis) {
                    if (new String(buffer, 0, n, StandardCharsets.ISO_8859_1).toUpperCase().contains("SUBSCRIBE")) {
                        synchronized (gate) {
                            subscribed[0] = true;
                        }
                    }
                } else {
                    awaitRelease(subscribed);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the other side closed, or the proxy did
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitRelease(boolean[] subscribed) throws InterruptedException {
        synchronized (gate) {
            while (held && subscribed[0] && !closed) {
                gate.wait();
            }
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        release();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(PubSubHoldingProxy::closeQuietly);
    }
}
