import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites a jar's Java 5 class files (version 49, picocli's) as Java 6 ones (50), in place; nothing else in
 * them changes. The JVM's class-data archives and ahead-of-time cache leave Java 5 classes out, and JDK 25's
 * cache writer crashes on them with class linking on; a Java 6 class file may lack stack maps as a Java 5 one
 * does (the JVM verifies it the old way), so the bytes stay valid. Run at build time: java
 * RaiseClassFileVersion.java JAR
 */
public final class RaiseClassFileVersion {

    private static final int JAVA_5 = 49;
    private static final int JAVA_6 = 50;

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Path rewritten = jar.resolveSibling(jar.getFileName() + ".tmp");
        int raised = 0;
        try (ZipFile in = new ZipFile(jar.toFile()); OutputStream file = Files.newOutputStream(rewritten);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream read = in.getInputStream(entry)) {
                    bytes = read.readAllBytes();
                }
                // The major version is bytes 6 and 7, after the magic number and the minor version.
                if (entry.getName().endsWith(".class") && bytes.length > 8 && bytes[6] == 0 && bytes[7] == JAVA_5) {
                    bytes[7] = JAVA_6;
                    raised++;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        if (raised == 0) {
            Files.delete(rewritten);
        } else {
            Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println("es: " + jar.getFileName() + ": " + raised + " Java 5 class files raised to Java 6");
    }
}
