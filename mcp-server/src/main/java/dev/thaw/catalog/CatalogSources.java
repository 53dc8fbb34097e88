package dev.thaw.catalog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Optional;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The source files of the diagnostics catalog, as they ship on the class path under
 * {@code thaw/catalog/} (the diagnostics-catalog module, shaded into thaw.jar). Serving them lets a
 * person or an assistant read exactly what a catalog entry runs before approving it.
 */
public final class CatalogSources {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogSources.class);

    public static final String PREFIX = "thaw/catalog/";
    /** Catalog entries are small scripts; anything bigger is not one. */
    static final int MAX_BYTES = 1024 * 1024;

    private final ClassLoader loader;

    public CatalogSources(ClassLoader loader) {
        this.loader = loader;
    }

    public static CatalogSources system() {
        return new CatalogSources(CatalogSources.class.getClassLoader());
    }

    /** Paths relative to {@code thaw/catalog/}, sorted, e.g. {@code python/thread_locks.py}. */
    public TreeSet<String> list() {
        TreeSet<String> paths = new TreeSet<>();
        try {
            Enumeration<URL> roots = loader.getResources(PREFIX);
            while (roots.hasMoreElements()) {
                scan(roots.nextElement(), paths);
            }
            // A jar without directory entries has no "thaw/catalog/" resource: scan our own jar too.
            URL self = CatalogSources.class.getProtectionDomain().getCodeSource() == null ? null
                    : CatalogSources.class.getProtectionDomain().getCodeSource().getLocation();
            if (self != null && self.getPath().endsWith(".jar")) {
                try (JarFile jar = new JarFile(Path.of(self.toURI()).toFile())) {
                    addEntries(jar, paths);
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            LOG.warn("cannot list the catalog on the class path: {}", e.toString());
        }
        return paths;
    }

    /** The text of one catalog file, if {@code path} is one. */
    public Optional<String> read(String path) {
        if (path == null || path.isEmpty() || path.contains("..") || path.startsWith("/") || path.contains("\\")) {
            return Optional.empty();
        }
        try (InputStream in = loader.getResourceAsStream(PREFIX + path)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] data = in.readNBytes(MAX_BYTES + 1);
            if (data.length > MAX_BYTES) {
                return Optional.empty();
            }
            return Optional.of(new String(data, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A MIME type from the file name. */
    public static String mimeType(String path) {
        if (path.endsWith(".py")) {
            return "text/x-python";
        }
        if (path.endsWith(".java")) {
            return "text/x-java";
        }
        if (path.endsWith(".md")) {
            return "text/markdown";
        }
        if (path.endsWith(".json")) {
            return "application/json";
        }
        return "text/plain";
    }

    private static void scan(URL root, TreeSet<String> paths) throws IOException, URISyntaxException {
        switch (root.getProtocol()) {
            case "file" -> {
                Path dir = Path.of(root.toURI());
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.filter(Files::isRegularFile)
                            .forEach(p -> paths.add(dir.relativize(p).toString().replace('\\', '/')));
                }
            }
            case "jar" -> {
                JarURLConnection conn = (JarURLConnection) root.openConnection();
                conn.setUseCaches(false);
                try (JarFile jar = conn.getJarFile()) {
                    addEntries(jar, paths);
                }
            }
            default -> LOG.debug("catalog root {} not scanned (protocol {})", root, root.getProtocol());
        }
    }

    private static void addEntries(JarFile jar, TreeSet<String> paths) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            JarEntry e = entries.nextElement();
            if (!e.isDirectory() && e.getName().startsWith(PREFIX) && e.getName().length() > PREFIX.length()) {
                paths.add(e.getName().substring(PREFIX.length()));
            }
        }
    }
}
