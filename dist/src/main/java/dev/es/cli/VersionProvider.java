package dev.es.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import picocli.CommandLine.IVersionProvider;

/** The version, commit and build date the build wrote into the jar's manifest, and the Java it runs on. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        Attributes manifest = manifest();
        String version = manifest == null ? null : manifest.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
        String commit = manifest == null ? null : manifest.getValue("Es-Commit");
        String built = manifest == null ? null : manifest.getValue("Es-Build-Date");
        return new String[] {
            "es " + (version == null ? "(development build)" : version)
                    + (isSet(commit) ? " (commit " + commit + ", built " + built + ")" : " (commit unknown)"),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }

    /** Unset values stay as Maven's ${…} where the build found no git checkout. */
    private static boolean isSet(String value) {
        return value != null && !value.isEmpty() && !value.startsWith("${");
    }

    /** The main attributes of the jar holding this class, or null when it runs from classes (a test). */
    private static Attributes manifest() {
        try {
            Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!location.toString().endsWith(".jar")) {
                return null;
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                return jar.getManifest() == null ? null : jar.getManifest().getMainAttributes();
            }
        } catch (IOException | URISyntaxException | SecurityException unreadable) {
            return null;
        }
    }
}
