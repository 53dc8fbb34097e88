package dev.thaw.python.inject;

import dev.thaw.inject.TargetIdentity;
import dev.thaw.proc.ProcStat;
import dev.thaw.proc.ProcStatus;
import dev.thaw.proc.ProcStatusParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A process identified before, with its {@code /proc/PID/stat} and {@code /proc/PID/status} kept
 * open. Reading them again through the same descriptors is how a later injection re-checks it:
 * the descriptors belong to that process, not to its pid, so once it has exited they only fail
 * (ESRCH), even when a new process got the pid. The start time is compared as well, and the user
 * (the one thing that can change) is read again each time. Saves two opens and two closes on
 * every injection after the first.
 */
final class KnownProcess implements AutoCloseable {

    private final TargetIdentity identity;
    private final FileChannel stat;
    private final FileChannel status;
    private final ByteBuffer buf = ByteBuffer.allocate(8192);

    private KnownProcess(TargetIdentity identity, FileChannel stat, FileChannel status) {
        this.identity = identity;
        this.stat = stat;
        this.status = status;
    }

    /**
     * Opens the files of a process just identified; null when that is not possible or when the
     * files opened are already another process's (the start time differs).
     */
    static KnownProcess open(Path pidDir, TargetIdentity identity) {
        FileChannel st = null;
        FileChannel su = null;
        try {
            st = FileChannel.open(pidDir.resolve("stat"), StandardOpenOption.READ);
            su = FileChannel.open(pidDir.resolve("status"), StandardOpenOption.READ);
            KnownProcess k = new KnownProcess(identity, st, su);
            if (k.reread() == null) {
                k.close();
                return null;
            }
            return k;
        } catch (IOException | RuntimeException e) {
            closeQuietly(st);
            closeQuietly(su);
            return null;
        }
    }

    /** The process with its current user, or null when it is gone (or no longer readable). */
    synchronized TargetIdentity reread() {
        try {
            // The same parsers as every other /proc read (ProcFs), over the kept-open descriptors.
            String statLine = new String(readFromStart(stat), StandardCharsets.UTF_8).trim();
            if (ProcStat.parse(statLine).startTimeTicks() != identity.startTicks()) {
                return null;
            }
            ProcStatus now = ProcStatusParser.parse(identity.pid(), new String(readFromStart(status), StandardCharsets.UTF_8));
            int uid = now.effectiveUid();
            int gid = now.effectiveGid();
            return uid == identity.uid() && gid == identity.gid() ? identity
                    : new TargetIdentity(identity.pid(), identity.startTicks(), identity.executable(),
                    identity.runtime(), identity.runtimeVersion(), uid, gid);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A /proc file generates its text anew when read from offset 0. */
    private byte[] readFromStart(FileChannel ch) throws IOException {
        buf.clear();
        long pos = 0;
        int n;
        while (buf.hasRemaining() && (n = ch.read(buf, pos)) > 0) {
            pos += n;
        }
        byte[] out = new byte[buf.position()];
        buf.flip().get(out);
        return out;
    }

    @Override
    public synchronized void close() {
        closeQuietly(stat);
        closeQuietly(status);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
