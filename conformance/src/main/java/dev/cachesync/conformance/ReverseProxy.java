package dev.cachesync.conformance;

import dev.cachesync.cache.client.CachedHttpResponse;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.OriginUnavailableException;
import dev.cachesync.cache.http.CacheRequest;
import dev.cachesync.cache.http.Headers;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 reverse proxy whose every request goes through a {@link CachingHttpClient}: the shape in which
 * the public cache test suite measures caches (it talks to the proxy's base URL; the client forwards to the
 * suite's own origin server). Every method is forwarded; end-to-end header fields go both ways unchanged (the
 * origin's Date too: the server adds no Date or Server of its own), hop-by-hop ones (RFC 9110 7.6.1: Connection
 * and the fields it lists, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-*) are dropped both ways.
 */
public final class ReverseProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReverseProxy.class);

    /** Hop-by-hop fields of RFC 9110 7.6.1, plus the message framing this hop sets itself (Content-Length). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-connection", "content-length");

    private final Server server;
    private final ServerConnector connector;

    private ReverseProxy(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts a proxy on 127.0.0.1 and a free port in front of {@code origin} (scheme, host and port; the request
     * path and query are kept), answering through {@code client}.
     */
    public static ReverseProxy start(CachingHttpClient client, URI origin) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(64, 8);
        threads.setName("conformance-proxy");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendDateHeader(false);
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                forward(client, origin, request, response, callback);
                return true;
            }
        });
        server.start();
        return new ReverseProxy(server, connector);
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    private static void forward(CachingHttpClient client, URI origin, Request request, Response response,
                                Callback callback) throws Exception {
        String method = request.getMethod();
        String query = request.getHttpURI().getQuery();
        URI target = origin.resolve(request.getHttpURI().getPath() + (query == null ? "" : "?" + query));
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readAllBytes();
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            fields.computeIfAbsent(field.getName(), n -> new ArrayList<>()).add(field.getValue());
        }
        Headers requestHeaders = endToEnd(fields).without("Host");
        CachedHttpResponse answer;
        try {
            answer = client.send(new CacheRequest(method, target, requestHeaders, body));
        } catch (OriginUnavailableException e) {
            log.debug("origin unavailable for {} {}: {}", method, target, e.toString());
            Response.writeError(request, response, callback, 502);
            return;
        }
        response.setStatus(answer.status());
        endToEnd(answer.headers().asMap()).asMap().forEach((name, values) -> values.forEach(
                v -> response.getHeaders().add(name, v)));
        int status = answer.status();
        boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || status < 200;
        byte[] content = noBody ? new byte[0] : answer.body();
        if (!noBody) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, content.length);
        }
        response.write(true, ByteBuffer.wrap(content), callback);
    }

    /**
     * The end-to-end fields of a message: without the hop-by-hop fields and without every field the message's
     * own Connection header lists (RFC 9110 7.6.1).
     */
    public static Headers endToEnd(Map<String, List<String>> fields) {
        Set<String> dropped = new HashSet<>(HOP_BY_HOP);
        fields.forEach((name, values) -> {
            if (name != null && name.equalsIgnoreCase("Connection")) {
                for (String value : values) {
                    for (String listed : value.split(",")) {
                        dropped.add(listed.trim().toLowerCase(Locale.ROOT));
                    }
                }
            }
        });
        Map<String, List<String>> kept = new LinkedHashMap<>();
        fields.forEach((name, values) -> {
            if (name == null) {
                return;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (!dropped.contains(lower) && !lower.startsWith("proxy-")) {
                kept.put(name, values);
            }
        });
        return Headers.of(kept);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
