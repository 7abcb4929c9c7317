package dev.cachesync.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One Redis command on a fresh connection, for the fault injector: {@code CLIENT PAUSE}, a probe, the poison's
 * wrong-type key. A connection of its own so the injector never shares (or waits on) the clients under test.
 */
final class RedisWire {
    private RedisWire() {
    }

    /** The first line of the reply (e.g. {@code +OK}, {@code +PONG}, {@code -LOADING ...}). */
    static String send(String host, int port, int timeoutMillis, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            StringBuilder command = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                command.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(arg).append("\r\n");
            }
            out.write(command.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.UTF_8);
        }
    }

    /** Whether Redis answers PING with PONG within the timeout (not paused, not loading, up). */
    static boolean answers(String host, int port) {
        try {
            return send(host, port, 500, "PING").equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
