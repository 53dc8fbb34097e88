package dev.thaw.snapshot;

/**
 * The one text form of a {@link WaitedObject}, used by the terminal rendering, the model's view and the
 * findings: {@code _thread.RLock@0x7f… (held by "audit-worker" tid 42, 2 times) [receiver in audit → acquire]},
 * or {@code a call without an object [Popen._try_wait → posix.waitpid]}.
 */
public final class WaitedObjectText {

    private WaitedObjectText() {
    }

    public static String of(WaitedObject w) {
        if ("call".equals(w.role())) {
            return "a call without an object [" + w.function() + "]";
        }
        StringBuilder b = new StringBuilder(brief(w));
        b.append(" [").append(w.role());
        if (w.function() != null) {
            b.append(" in ").append(w.function());
        }
        return b.append(']').toString();
    }

    /** Without how it was found: {@code threading.Condition@0x7f…}, {@code _thread.lock@0x7f… (held)}. */
    public static String brief(WaitedObject w) {
        StringBuilder b = new StringBuilder(w.type());
        if (w.address() != null) {
            b.append('@').append(w.address());
        }
        if (Boolean.TRUE.equals(w.held())) {
            b.append(" (held");
            if (w.ownerTid() != null || w.ownerName() != null) {
                b.append(" by ").append(w.ownerName() != null ? "\"" + w.ownerName() + "\" " : "")
                        .append(w.ownerTid() != null ? "tid " + w.ownerTid() : "");
            }
            if (w.count() != null && w.count() > 1) {
                b.append(", ").append(w.count()).append(" times");
            }
            b.append(')');
        } else if (Boolean.FALSE.equals(w.held())) {
            b.append(" (free)");
        }
        return b.toString();
    }
}
