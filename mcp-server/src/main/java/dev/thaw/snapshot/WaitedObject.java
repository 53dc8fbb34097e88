package dev.thaw.snapshot;

/**
 * A Python object a blocked thread waits on, or one it waits through.
 *
 * @param type      the object's type, e.g. {@code _thread.lock}, {@code _thread.RLock},
 *                  {@code _queue.SimpleQueue}, {@code threading.Condition}; for a call without an
 *                  object ({@code select.select}) the function's type
 * @param address   {@code 0x…}: two threads with the same address wait on the same object
 * @param role      how it was found: {@code receiver} (the object whose C method the innermost frame
 *                  calls: what the thread blocks in), {@code call} (a module function called without an
 *                  object, e.g. {@code select.select}), {@code self} (the object of an enclosing method,
 *                  e.g. the Condition whose {@code wait} acquired the lock)
 * @param function  the frame it was found in ({@code Condition.wait}); for {@code call}/{@code receiver}
 *                  also the C function called, e.g. {@code Condition.wait → acquire}
 * @param held      for {@code _thread.lock} / {@code _thread.RLock}: whether it is locked now; else null
 * @param ownerTid  for an RLock: the native id of the thread owning it, when it is a known thread
 * @param ownerName that thread's Python name
 * @param count     for an RLock: how many times its owner holds it
 */
public record WaitedObject(String type, String address, String role, String function, Boolean held, Long ownerTid,
                           String ownerName, Long count) {
}
