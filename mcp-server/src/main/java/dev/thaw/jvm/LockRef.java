package dev.thaw.jvm;

/**
 * An object used as a lock, as a thread dump names it.
 *
 * @param address   the object's address as printed ({@code 0x000000069ec20510}), or null when
 *                  the dump gives none ({@code <no object reference available>},
 *                  {@code <owner is scalar replaced>}); two refs with the same address are the
 *                  same object within one dump (objects do not move during the safepoint)
 * @param className e.g. {@code java.util.concurrent.locks.ReentrantLock$NonfairSync}
 */
public record LockRef(String address, String className) {

    public boolean hasAddress() {
        return address != null;
    }

    @Override
    public String toString() {
        return "<" + (address == null ? "?" : address) + "> (a " + className + ")";
    }
}
