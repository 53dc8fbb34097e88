package dev.thaw.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * Deep reflection for probes on JDK 9+: opens one package of a named module (e.g. {@code java.lang}
 * of {@code java.base}) to the probe's own module, so that the probe may {@code setAccessible} the
 * private fields of that package's classes (e.g. {@code Thread.target}, {@code FutureTask.callable}).
 * Without it, strong encapsulation (JDK 16+) refuses such reflection, and a probe cannot add
 * {@code --add-opens} to a running JVM.
 *
 * <p>It calls {@code Instrumentation.redefineModule} (through reflection: this jar is Java 8 bytecode)
 * with the agent's own {@code Instrumentation}, adding one qualified open and nothing else. Limits,
 * so that the agent on the system class path does not become a way around encapsulation for the
 * application:
 * <ul>
 *   <li>only to a probe: {@code to} must be a class defined by a probe's throwaway loader; the open
 *       names that loader's unnamed module, so it goes when the probe's loader does;</li>
 *   <li>only packages the module already exports to everyone (public API packages such as
 *       {@code java.lang}, {@code java.util.concurrent}); internal packages ({@code jdk.internal.*},
 *       {@code sun.*}) are refused.</li>
 * </ul>
 * On Java 8 (no modules), for classes of unnamed modules, and when the package is already open to the
 * probe, it does nothing.
 */
public final class Access {

    private Access() {
    }

    /** {@link #open(Class, String, Class)} for the package of {@code in}. */
    public static void open(Class<?> in, Class<?> to) {
        String name = in.getName();
        int dot = name.lastIndexOf('.');
        open(in, dot < 0 ? "" : name.substring(0, dot), to);
    }

    /**
     * Opens package {@code pkg} of the module of {@code in} to the module of {@code to}.
     *
     * @param in  any class of the module that holds the package, e.g. {@code Thread.class} for java.base
     * @param pkg the package, e.g. {@code "java.util.concurrent"}
     * @param to  the probe class that will reflect (its loader must be a probe's loader)
     * @throws IllegalArgumentException when {@code to} is not a probe class, or the package is not
     *                                  exported by the module
     * @throws IllegalStateException    when the module cannot be changed or the JVM refused; the
     *                                  message says why
     */
    public static void open(Class<?> in, String pkg, Class<?> to) {
        if (in == null || pkg == null || to == null) {
            throw new IllegalArgumentException("Access.open needs a class, a package and the probe class");
        }
        if (!(to.getClassLoader() instanceof ProbeLoader)) {
            throw new IllegalArgumentException("Access.open opens packages to probe classes only, not to "
                    + to.getName() + " (loader " + to.getClassLoader() + ")");
        }
        Method getModule;
        try {
            getModule = Class.class.getMethod("getModule");
        } catch (NoSuchMethodException e) {
            return; // Java 8: no modules, setAccessible works everywhere
        }
        try {
            Class<?> moduleClass = getModule.getReturnType();
            Object from = getModule.invoke(in);
            Object target = getModule.invoke(to);
            if (!((Boolean) moduleClass.getMethod("isNamed").invoke(from))) {
                return; // the class path: open to everyone already
            }
            String moduleName = (String) moduleClass.getMethod("getName").invoke(from);
            if ((Boolean) moduleClass.getMethod("isOpen", String.class, moduleClass).invoke(from, pkg, target)) {
                return;
            }
            if (!((Boolean) moduleClass.getMethod("isExported", String.class).invoke(from, pkg))) {
                throw new IllegalArgumentException("package " + pkg + " is not an exported package of module "
                        + moduleName + "; Access.open opens exported (public API) packages only");
            }
            Instrumentation inst = ThawAgent.instrumentation();
            if (inst == null) {
                throw new IllegalStateException("the thaw agent has no Instrumentation in this JVM");
            }
            if (!((Boolean) Instrumentation.class.getMethod("isModifiableModule", moduleClass).invoke(inst, from))) {
                throw new IllegalStateException("module " + moduleName + " cannot be modified in this JVM");
            }
            Map<String, Set<Object>> opens = Collections.singletonMap(pkg, Collections.singleton(target));
            Instrumentation.class.getMethod("redefineModule", moduleClass, Set.class, Map.class, Map.class, Set.class,
                    Map.class).invoke(inst, from, Collections.emptySet(), Collections.emptyMap(), opens,
                    Collections.emptySet(), Collections.emptyMap());
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot open " + pkg + " to the probe: " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot open " + pkg + " to the probe: " + e, e);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("cannot open " + pkg + " to the probe: " + e, e);
        }
    }
}
