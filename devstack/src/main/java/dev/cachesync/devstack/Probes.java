package dev.cachesync.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Readiness probes for the child processes. */
final class Probes {
    private Probes() {
    }

    /** The interval between two readiness probes of a starting process. */
    static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a devstack part", e);
        }
    }

    /** True when a Redis server answers PING on host:port. */
    static boolean redisAnswers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return ping(socket).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * True when a Redis server answers PING over TLS on host:port: with PONG, or with NOAUTH when its default
     * user is off (it is up, and it authenticates).
     */
    static boolean redisAnswersTls(String host, int port, SSLContext context) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), 500);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
                socket.startHandshake();
                String reply = ping(socket);
                return reply.equals("+PONG") || reply.equals("-NOAU");
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** The first five characters of the answer to PING. */
    private static String ping(Socket socket) throws IOException {
        socket.setSoTimeout(1000);
        OutputStream out = socket.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] reply = new byte[5];
        int read = in.readNBytes(reply, 0, 5);
        return new String(reply, 0, read, StandardCharsets.US_ASCII);
    }
}
