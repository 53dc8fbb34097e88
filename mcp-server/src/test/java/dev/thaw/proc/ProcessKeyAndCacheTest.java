package dev.thaw.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProcessKeyAndCacheTest {

    @Test
    void keyOfThisProcessRoundTripsThroughItsText() {
        ProcFs proc = ProcFs.system();
        int self = (int) ProcessHandle.current().pid();
        ProcessKey key = ProcessKey.of(proc, self);
        assertEquals(self, key.pid());
        assertTrue(key.startTicks() > 0);
        assertEquals(key, ProcessKey.parse(key.toString()));
        assertEquals(self + "@" + key.startTicks(), key.toString());
        assertTrue(key.samePid(new ProcessKey(self, key.startTicks() + 1)));
    }

    @Test
    void malformedKeysAreRefused() {
        for (String bad : new String[] {"", "12", "@3", "12@", "a@b"}) {
            assertThrows(IllegalArgumentException.class, () -> ProcessKey.parse(bad), bad);
        }
    }

    @Test
    void cacheEvictsTheLeastRecentlyUsedAndLoadsOnce() {
        BoundedCache<String, Integer> cache = new BoundedCache<>(2);
        AtomicInteger loads = new AtomicInteger();
        cache.computeIfAbsent("a", k -> loads.incrementAndGet());
        cache.computeIfAbsent("b", k -> loads.incrementAndGet());
        cache.computeIfAbsent("a", k -> loads.incrementAndGet()); // a is now the most recent
        cache.computeIfAbsent("c", k -> loads.incrementAndGet()); // evicts b
        assertEquals(3, loads.get());
        assertEquals(2, cache.size());
        assertNull(cache.get("b"));
        assertEquals(1, cache.get("a"));
        cache.removeKeys(k -> k.equals("a"));
        assertEquals(1, cache.size());
        assertNull(cache.computeIfAbsent("n", k -> null));
        assertEquals(1, cache.size());
    }
}
