package dev.thaw.catalog;

/** A catalog file whose header is missing or wrong: a defect of the shipped catalog, caught by its tests. */
public final class CatalogFormatException extends RuntimeException {

    public CatalogFormatException(String path, String why) {
        super("catalog file " + path + ": " + why);
    }
}
