package dev.cachesync.catalog.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates bearer JWTs with Nimbus JOSE+JWT: signature (asymmetric algorithms only, so a public key can never
 * be used as an HMAC secret), issuer, audience, expiry and not-before with a small clock skew, subject present.
 * Scopes come from {@code scope} (space-separated, RFC 9068) or {@code scp} (string or list).
 */
final class JwtVerifier {
    private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    private static final Set<JWSAlgorithm> EC = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    /** A token that does not prove a principal; the message is safe to return (it never contains the token). */
    static final class InvalidToken extends Exception {
        InvalidToken(String message) {
            super(message);
        }
    }

    /** The keys could not be fetched (JWKS endpoint down): not the client's fault. */
    static final class KeysUnavailable extends Exception {
        KeysUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ConfigurableJWTProcessor<SecurityContext> processor;

    private JwtVerifier(JWSKeySelector<SecurityContext> keys, String issuer, String audience, Duration clockSkew) {
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(keys);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(audience), new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp"), null);
        claims.setMaxClockSkew((int) clockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** Keys from a JWKS URL, cached and refreshed by Nimbus (a new {@code kid} triggers a rate-limited refetch). */
    static JwtVerifier jwks(URI jwksUrl, String issuer, String audience, Duration clockSkew) {
        try {
            JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(jwksUrl.toURL()).retrying(true).build();
            Set<JWSAlgorithm> algorithms = new LinkedHashSet<>(RSA);
            algorithms.addAll(EC);
            return new JwtVerifier(new JWSVerificationKeySelector<>(algorithms, keys), issuer, audience, clockSkew);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + jwksUrl, e);
        }
    }

    /** One configured public key: PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo), RSA or EC. */
    static JwtVerifier publicKey(String pem, String issuer, String audience, Duration clockSkew) {
        PublicKey key = PublicKeyPem.decode(pem);
        Set<JWSAlgorithm> algorithms;
        if (key instanceof RSAPublicKey) {
            algorithms = RSA;
        } else if (key instanceof ECPublicKey ec) {
            // ES256 goes with P-256 etc.: a signature over another curve's algorithm cannot verify anyway.
            algorithms = Set.of(ecAlgorithm(Curve.forECParameterSpec(ec.getParams())));
        } else {
            throw new IllegalArgumentException("the public key must be RSA or EC, is " + key.getAlgorithm());
        }
        // The one configured key verifies every token whatever its kid (an issuer may rotate kids, not the key).
        JWSKeySelector<SecurityContext> selector = (header, context) ->
                algorithms.contains(header.getAlgorithm()) ? List.of(key) : List.of();
        return new JwtVerifier(selector, issuer, audience, clockSkew);
    }

    Principal verify(String token) throws InvalidToken, KeysUnavailable {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (KeySourceException e) {
            throw new KeysUnavailable("the JWT signing keys could not be fetched: " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new InvalidToken("not a JWT");
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidToken(e.getMessage());
        }
        return new Principal("jwt:" + printable(claims.getSubject()), scopes(claims));
    }

    /** The subject as it goes into log lines: no line breaks or control characters (log forging), at most 128 chars. */
    private static String printable(String subject) {
        String clean = subject.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() > 128 ? clean.substring(0, 128) + "..." : clean;
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> scopes = new LinkedHashSet<>();
        for (String claim : List.of("scope", "scp")) {
            Object value = claims.getClaim(claim);
            if (value instanceof String s) {
                scopes.addAll(List.of(s.trim().split("\\s+")));
            } else if (value instanceof List<?> list) {
                list.forEach(v -> scopes.add(String.valueOf(v)));
            }
        }
        return scopes;
    }

    private static JWSAlgorithm ecAlgorithm(Curve curve) {
        if (Curve.P_256.equals(curve)) {
            return JWSAlgorithm.ES256;
        } else if (Curve.P_384.equals(curve)) {
            return JWSAlgorithm.ES384;
        } else if (Curve.P_521.equals(curve)) {
            return JWSAlgorithm.ES512;
        }
        throw new IllegalArgumentException("the EC public key must be on P-256, P-384 or P-521, is on " + curve);
    }
}
