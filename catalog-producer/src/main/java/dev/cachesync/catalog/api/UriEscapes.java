package dev.cachesync.catalog.api;

import dev.cachesync.catalog.product.FieldError;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the percent-escapes of a raw request path and query (RFC 3986 2.1: {@code %} and two hex digits, the bytes
 * valid UTF-8). Javalin's own decoding throws on a bad path escape (a 500) and silently drops a query parameter
 * with one (so {@code ?after=%zz} read as "no after"); checking first turns both into a 400 naming the part.
 * Pure.
 */
final class UriEscapes {
    private UriEscapes() {
    }

    /** What is wrong with the escapes of {@code raw}, or null if they are fine. */
    static String problem(String raw) {
        if (raw == null || raw.indexOf('%') < 0) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                int codePoint = raw.codePointAt(i);
                bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint) - 1;
                continue;
            }
            if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                String escape = raw.substring(i, Math.min(raw.length(), i + 3));
                return "has a malformed percent-escape '" + escape + "' at " + i
                        + " (a '%' must be followed by two hex digits; %uXXXX is not an escape)";
            }
            bytes.write(hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2)));
            i += 2;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return null;
        } catch (CharacterCodingException e) {
            return "has percent-escapes that are not valid UTF-8";
        }
    }

    /** The problems of a raw query string, one per parameter at fault (field {@code query} if its name is bad). */
    static List<FieldError> queryProblems(String rawQuery) {
        List<FieldError> problems = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return problems;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String nameProblem = problem(name);
            if (nameProblem != null) {
                problems.add(new FieldError("query", "parameter name '" + name + "' " + nameProblem));
                continue;
            }
            String valueProblem = eq < 0 ? null : problem(pair.substring(eq + 1));
            if (valueProblem != null) {
                problems.add(new FieldError(URLDecoder.decode(name, StandardCharsets.UTF_8), valueProblem));
            }
        }
        return problems;
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
