package dev.cachesync.devstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis commands over a plain socket (RESP2), for tests and devstack's own probes: {@code CONFIG}, {@code SAVE},
 * {@code CLIENT PAUSE}, {@code CLUSTER NODES} and the like, which cachesync itself never sends. Each call opens a
 * connection of its own, so it never shares (or waits on) the clients under test.
 *
 * <p>Replies come back as text: a status without its {@code +} ({@code "OK"}), an error with its {@code -}
 * ({@code "-LOADING ..."}), an integer with its {@code :} ({@code ":1"}), a bulk string's content, {@code null}
 * for a nil, and an array's elements one per line.
 */
public final class RedisWire {
    private RedisWire() {
    }

    /** One command on a fresh connection; its reply as text (see the class comment). */
    public static String send(String host, int port, Duration timeout, String... command) throws IOException {
        return pipeline(host, port, timeout, List.of(List.of(command))).get(0);
    }

    /**
     * Several commands on one connection, in order, and their replies. One connection matters where a command
     * refers to the connection's earlier writes: {@code WAIT} counts the replicas that acknowledged <em>this
     * connection's</em> writes, so on a fresh connection it proves nothing.
     */
    public static List<String> pipeline(String host, int port, Duration timeout, List<List<String>> commands)
            throws IOException {
        try (Socket socket = new Socket()) {
            int millis = (int) timeout.toMillis();
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            StringBuilder request = new StringBuilder();
            for (List<String> command : commands) {
                request.append('*').append(command.size()).append("\r\n");
                for (String arg : command) {
                    request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                            .append(arg).append("\r\n");
                }
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            List<String> replies = new ArrayList<>(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                replies.add(reply(in));
            }
            return replies;
        }
    }

    /** Whether Redis answers PING with PONG within 500 ms (up, not paused, not loading). */
    public static boolean answers(String host, int port) {
        try {
            return "PONG".equals(send(host, port, Duration.ofMillis(500), "PING"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String reply(InputStream in) throws IOException {
        String first = line(in);
        if (first.isEmpty()) {
            throw new IOException("connection closed before a reply");
        }
        switch (first.charAt(0)) {
            case '+':
                return first.substring(1);
            case '-':
            case ':':
                return first;
            case '$': {
                int length = Integer.parseInt(first.substring(1));
                if (length < 0) {
                    return null;
                }
                byte[] content = in.readNBytes(length + 2); // and its CRLF
                if (content.length < length + 2) {
                    throw new IOException("connection closed inside a reply");
                }
                return new String(content, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(first.substring(1));
                if (count < 0) {
                    return null;
                }
                List<String> elements = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    elements.add(String.valueOf(reply(in)));
                }
                return String.join("\n", elements);
            }
            default:
                throw new IOException("not a RESP2 reply: " + first);
        }
    }

    private static String line(InputStream in) throws IOException {
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
