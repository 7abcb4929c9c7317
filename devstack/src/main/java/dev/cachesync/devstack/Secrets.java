package dev.cachesync.devstack;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random passwords for the parts devstack starts: generated per run, never in code. */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** 24 random bytes as hex: safe inside JAAS quotes, ACL rules and URLs. */
    static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
