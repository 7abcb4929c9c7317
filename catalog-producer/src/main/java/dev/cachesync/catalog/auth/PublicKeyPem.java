package dev.cachesync.catalog.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/** The PEM form of a public key that {@code CATALOG_AUTH_JWT_PUBLIC_KEY} takes (X.509 SubjectPublicKeyInfo). */
public final class PublicKeyPem {

    private static final String LABEL = "PUBLIC KEY";

    private PublicKeyPem() {
    }

    /** For issuers, tests and the demo: the PEM text of {@code key}, as the catalog reads it. */
    public static String encode(PublicKey key) {
        return "-----BEGIN " + LABEL + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END " + LABEL + "-----\n";
    }

    /** An RSA or EC public key from its PEM text. */
    static PublicKey decode(String pem) {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the public key must be PEM (-----BEGIN PUBLIC KEY-----, base64)", e);
        }
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("the public key is neither an RSA nor an EC X.509 public key");
    }
}
