package dev.thaw;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package table of docs/architecture.md is the rule: every package of mcp-server has a row, a
 * row's dependencies point to its own or a lower layer, and the compiled classes depend on no
 * package their row does not list. The table is read from the document itself, so the two cannot
 * drift apart: to add a dependency, change the table (and say why in review).
 */
class ArchitectureTest {

    private static final String BASE = "dev.thaw";
    /** A row: | `dev.thaw.x` | 3 name | `a`, `b.c` | job |. "—" in the third column: the base only. */
    private static final Pattern ROW = Pattern.compile(
            "^\\|\\s*`(dev\\.thaw(?:\\.[a-z0-9.]+)?)`\\s*\\|\\s*(\\d+)[^|]*\\|([^|]*)\\|.*\\|\\s*$");
    private static final Pattern NAME = Pattern.compile("`([a-z0-9.]+)`");

    /** A package of the table: its layer number and the packages it may depend on (full names). */
    record Row(int layer, List<String> mayUse) {
    }

    static Path docs;
    static Map<String, Row> table;
    static JavaClasses classes;

    @BeforeAll
    static void readTableAndClasses() throws IOException {
        docs = findUp("docs/architecture.md");
        table = parse(Files.readAllLines(docs));
        // mcp-server's own main classes only: not the tests, the agent or the scenario apps.
        classes = new ClassFileImporter().importUrl(ThawException.class.getProtectionDomain().getCodeSource().getLocation());
    }

    @Test
    void everyPackageHasARowAndEveryRowAPackage() {
        TreeSet<String> packages = new TreeSet<>();
        for (JavaClass c : classes) {
            packages.add(c.getPackageName());
        }
        assertThat(table.keySet()).as("packages in the table of %s", docs)
                .containsExactlyInAnyOrderElementsOf(packages);
    }

    @Test
    void everyPackageExplainsItselfInAPackageInfo() {
        Path sources = findUp("mcp-server/src/main/java");
        List<String> missing = new ArrayList<>();
        for (String p : table.keySet()) {
            if (!Files.isRegularFile(sources.resolve(p.replace('.', '/')).resolve("package-info.java"))) {
                missing.add(p);
            }
        }
        assertThat(missing).as("packages without package-info.java").isEmpty();
    }

    @Test
    void theTableOnlyPointsDown() {
        List<String> wrong = new ArrayList<>();
        table.forEach((p, row) -> {
            for (String d : row.mayUse()) {
                Row target = table.get(d);
                if (target == null) {
                    wrong.add(p + " may depend on " + d + ", which has no row");
                } else if (target.layer() > row.layer()) {
                    wrong.add(p + " (layer " + row.layer() + ") may depend on " + d + " (layer " + target.layer() + ")");
                }
            }
        });
        assertThat(wrong).as("dependencies in the table of %s that point up", docs).isEmpty();
    }

    @Test
    void packagesDependOnlyOnWhatTheTableAllows() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String p : table.keySet()) {
            layers = layers.layer(p).definedBy(p);
        }
        for (Map.Entry<String, Row> e : table.entrySet()) {
            List<String> allowed = new ArrayList<>(e.getValue().mayUse());
            if (!e.getKey().equals(BASE) && !allowed.contains(BASE)) {
                allowed.add(BASE);
            }
            layers = allowed.isEmpty()
                    ? layers.whereLayer(e.getKey()).mayNotAccessAnyLayer()
                    : layers.whereLayer(e.getKey()).mayOnlyAccessLayers(allowed.toArray(String[]::new));
        }
        layers.because("docs/architecture.md lists what each package may depend on").check(classes);
    }

    @Test
    void packagesAreFreeOfCycles() {
        // "dev.(**)" makes every package, the base dev.thaw included, a slice of its own.
        slices().matching("dev.(**)").should().beFreeOfCycles().check(classes);
    }

    static Map<String, Row> parse(List<String> lines) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) {
                continue;
            }
            List<String> mayUse = new ArrayList<>();
            Matcher n = NAME.matcher(m.group(3));
            while (n.find()) {
                mayUse.add(n.group(1).equals(BASE) ? BASE : BASE + "." + n.group(1));
            }
            if (rows.put(m.group(1), new Row(Integer.parseInt(m.group(2)), mayUse)) != null) {
                throw new AssertionError("package " + m.group(1) + " has two rows in " + docs);
            }
        }
        assertThat(rows).as("package rows in %s", docs).isNotEmpty();
        return rows;
    }

    /** The file at {@code relative} from the working directory (the module) or one of its parents. */
    static Path findUp(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(relative))) {
                return d.resolve(relative);
            }
        }
        throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
