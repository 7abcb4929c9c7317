package dev.cachesync.schemas.serde;

import org.apache.avro.specific.SpecificDatumReader;

import java.util.Arrays;
import java.util.List;

/**
 * Avro 1.12 only instantiates classes from packages listed in the system property
 * {@value #PROPERTY} (comma-separated). Avro 1.12.1 copies that property once, when {@link SpecificDatumReader}
 * is initialised, into each reader's {@link SpecificDatumReader#getTrustedPackages() trusted packages}; later Avro
 * versions read it in their class-security validator. So the events package is trusted twice: appended to the
 * property (keeping whatever the user set) before Avro reads it, and added to every reader this module creates.
 */
final class TrustedPackages {

    static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";
    static final String EVENTS_PACKAGE = "dev.cachesync.events";

    private TrustedPackages() {
    }

    /** Appends {@code pkg} to the system property unless it is already trusted there. */
    static synchronized void trustGlobally(String pkg) {
        String current = System.getProperty(PROPERTY);
        String updated = withPackage(current, pkg);
        if (!updated.equals(current)) {
            System.setProperty(PROPERTY, updated);
        }
    }

    /** {@code current} with {@code pkg} appended, or {@code current} unchanged if it already trusts {@code pkg}. */
    static String withPackage(String current, String pkg) {
        if (current == null || current.isBlank()) {
            return pkg;
        }
        List<String> entries = Arrays.stream(current.split(",")).map(String::trim).toList();
        if (entries.contains("*") || coveredBy(entries, pkg)) {
            return current;
        }
        return current + "," + pkg;
    }

    /** Adds {@code pkg} to one reader's trusted packages (Avro stores them with a trailing dot). */
    static void trust(SpecificDatumReader<?> reader, String pkg) {
        List<String> trusted = reader.getTrustedPackages();
        // A lone "*" means trust everything to Avro; adding an entry would turn that off.
        boolean trustsAll = trusted.size() == 1 && trusted.get(0).equals("*");
        if (!trustsAll && !coveredBy(trusted, pkg)) {
            trusted.add(pkg + ".");
        }
    }

    /** Whether {@code pkg} is one of the packages or inside one (entries with or without the trailing dot). */
    private static boolean coveredBy(List<String> entries, String pkg) {
        String dotted = pkg + ".";
        for (String entry : entries) {
            if (!entry.isEmpty() && !entry.equals("*") && dotted.startsWith(entry.endsWith(".") ? entry : entry + ".")) {
                return true;
            }
        }
        return false;
    }
}
