package dev.thaw.snapshot;

import java.util.List;

/**
 * What one thread is doing, without its frames (which live once per {@link StackGroup}).
 * Runtime-neutral: the Python engine fills the GIL field, the JVM engine the lock fields; fields an
 * engine cannot know are null.
 *
 * @param tid          the native (kernel) thread id
 * @param name         the thread's name (OS {@code comm} for Python; the Java name for the JVM)
 * @param main         the runtime's main thread
 * @param holdsGil     Python only: this thread holds the GIL
 * @param state        the engine's verdict on what the thread waits for: {@code running},
 *                     {@code lock_wait} (no timeout), {@code timed_wait} (a lock or condition wait with a timeout), {@code io_wait}, {@code sleeping}, {@code child_wait},
 *                     {@code disk}, {@code stopped}, {@code waiting}; for the JVM, its
 *                     {@code Thread.State}
 * @param kernelState  the kernel's view: {@code sleeping}, {@code running}, {@code stopped}, ...
 * @param syscall      the system call the thread is blocked in ({@code futex}, {@code epoll_wait}, ...)
 * @param wchan        the kernel function it sleeps in, when the syscall does not say
 * @param stuck        with several samples: the stack was identical in every one; null with one sample
 * @param lockWaitedOn what it waits for: {@code futex@0x...} (Python), a monitor (JVM)
 * @param locksHeld    locks it holds (JVM); null when unknown (Python: never an empty list that would read as "holds nothing")
 * @param owner        the tid of the thread owning {@code lockWaitedOn}, when known
 * @param note         anything the reader could not vouch for (e.g. the stack changed while read)
 * @param jvm          JVM only: Java thread id, daemon, virtual, HotSpot's status, deadlocked; else null
 * @param asyncio      Python only: the asyncio loop and tasks of this thread; null when it has none
 * @param greenlets    Python only: the greenlets that belong to this thread (the running one first); null
 *                     when it has none
 * @param python       Python only: the Python thread name, what it waits on, locals; else null
 */
public record ThreadSnapshot(long tid, String name, boolean main, Boolean holdsGil, String state,
                             String kernelState, String syscall, String wchan, Boolean stuck,
                             String lockWaitedOn, List<String> locksHeld, Long owner, String note,
                             JvmThreadDetail jvm, AsyncLoop asyncio, List<Greenlet> greenlets,
                             PythonThreadDetail python) {

    /** Without asyncio tasks, greenlets and Python details. */
    public ThreadSnapshot(long tid, String name, boolean main, Boolean holdsGil, String state,
                          String kernelState, String syscall, String wchan, Boolean stuck,
                          String lockWaitedOn, List<String> locksHeld, Long owner, String note,
                          JvmThreadDetail jvm) {
        this(tid, name, main, holdsGil, state, kernelState, syscall, wchan, stuck, lockWaitedOn, locksHeld, owner,
                note, jvm, null, null, null);
    }

    /** Without runtime-specific parts. */
    public ThreadSnapshot(long tid, String name, boolean main, Boolean holdsGil, String state,
                          String kernelState, String syscall, String wchan, Boolean stuck,
                          String lockWaitedOn, List<String> locksHeld, Long owner, String note) {
        this(tid, name, main, holdsGil, state, kernelState, syscall, wchan, stuck, lockWaitedOn, locksHeld, owner,
                note, null, null, null, null);
    }

    public ThreadSnapshot withPython(PythonThreadDetail p) {
        return new ThreadSnapshot(tid, name, main, holdsGil, state, kernelState, syscall, wchan, stuck, lockWaitedOn,
                locksHeld, owner, note, jvm, asyncio, greenlets, p);
    }

    public ThreadSnapshot withStuck(Boolean s) {
        return new ThreadSnapshot(tid, name, main, holdsGil, state, kernelState, syscall, wchan, s, lockWaitedOn,
                locksHeld, owner, note, jvm, asyncio, greenlets, python);
    }

    public ThreadSnapshot withConcurrency(AsyncLoop a, List<Greenlet> g) {
        return new ThreadSnapshot(tid, name, main, holdsGil, state, kernelState, syscall, wchan, stuck, lockWaitedOn,
                locksHeld, owner, note, jvm, a, g, python);
    }
}
