package dev.thaw.inject;

import java.util.List;

/**
 * A thread thaw armed, and what it is doing while the delivery waits for it.
 *
 * @param tid         native thread id
 * @param name        OS thread name ({@code comm})
 * @param main        the runtime's main thread
 * @param kernelState {@code running}, {@code sleeping}, {@code disk sleep}, ...
 * @param syscall     the system call it is blocked in, or {@code running}, or null when unknown
 * @param waitKind    {@code running}, {@code bounded} (it will wake up by itself), {@code unbounded}
 *                    (it waits for someone else, maybe forever) or {@code unknown}
 * @param wakesInMs   for a bounded wait, the longest it can take, when thaw could read it; else null
 * @param frames      its innermost Python/Java frames, when a snapshot could read them; else empty
 */
public record ArmedThread(long tid, String name, boolean main, String kernelState, String syscall, String waitKind,
                          Long wakesInMs, List<String> frames) {
}
