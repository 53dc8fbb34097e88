package dev.thaw.inject;

/** How refusals name the runtimes ({@code cpython}, {@code hotspot}) and the languages they run. */
final class RuntimeNames {

    private RuntimeNames() {
    }

    static String describe(String runtime) {
        return switch (runtime) {
            case "cpython" -> "a CPython process";
            case "hotspot" -> "a HotSpot JVM";
            default -> runtime;
        };
    }

    static String language(String runtime) {
        return "hotspot".equals(runtime) ? "Java probe source" : "Python source";
    }

    static String languageName(String runtime) {
        return "hotspot".equals(runtime) ? "java" : "python";
    }
}
