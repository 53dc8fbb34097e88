package dev.thaw.proc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A small least-recently-used map with a fixed capacity, thread-safe, for facts worth keeping per
 * process or per file (offsets, identities, protocols). One shape for every cache in thaw, so none
 * grows without bound over a long-lived server and each is owned by the service that fills it.
 * The loader runs outside the lock: two callers may both load a missing entry; the last one wins,
 * which is fine for facts that are the same whoever reads them.
 */
public final class BoundedCache<K, V> {

    private final int capacity;
    private final LinkedHashMap<K, V> map;

    public BoundedCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(Math.min(capacity, 64), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > BoundedCache.this.capacity;
            }
        };
    }

    public synchronized V get(K key) {
        return map.get(key);
    }

    public synchronized void put(K key, V value) {
        map.put(key, value);
    }

    /** The cached value, or the loader's (cached unless null). */
    public V computeIfAbsent(K key, Function<? super K, ? extends V> loader) {
        V known = get(key);
        if (known != null) {
            return known;
        }
        V loaded = loader.apply(key);
        if (loaded != null) {
            put(key, loaded);
        }
        return loaded;
    }

    public synchronized V remove(K key) {
        return map.remove(key);
    }

    /** Drops every entry whose key matches, e.g. those of a process that is gone. */
    public synchronized void removeKeys(Predicate<? super K> which) {
        map.keySet().removeIf(which);
    }

    public synchronized int size() {
        return map.size();
    }

    public int capacity() {
        return capacity;
    }
}
