package dev.thaw.python.inject;

import dev.thaw.inject.TargetIdentity;

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
 * (the one thing that can change) is read again each time. Saves two opens, two closes and the
 * generic parsers on every injection after the first.
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
            if (startTicks(readFromStart(stat)) != identity.startTicks()) {
                return null;
            }
            byte[] text = readFromStart(status);
            int uid = effective(text, UID);
            int gid = effective(text, GID);
            if (uid < 0 || gid < 0) {
                return null;
            }
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

    /** Field 22 of /proc/PID/stat (counted after the command name, which may hold spaces and parentheses). */
    static long startTicks(byte[] stat) {
        int i = stat.length - 1;
        while (i >= 0 && stat[i] != ')') {
            i--;
        }
        if (i < 0) {
            return -1;
        }
        // After ") " comes field 3; field 22 follows 19 more spaces.
        int spaces = 0;
        int j = i + 1;
        while (j < stat.length && spaces < 20) {
            if (stat[j] == ' ') {
                spaces++;
            }
            j++;
        }
        long v = 0;
        int digits = 0;
        for (; j < stat.length && stat[j] >= '0' && stat[j] <= '9'; j++, digits++) {
            v = v * 10 + (stat[j] - '0');
        }
        return digits == 0 ? -1 : v;
    }

    private static final byte[] UID = "\nUid:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GID = "\nGid:".getBytes(StandardCharsets.US_ASCII);

    /** The second number of a "Uid:"/"Gid:" line (real, effective, saved, file system); -1 when missing. */
    static int effective(byte[] status, byte[] key) {
        int at = indexOf(status, key);
        if (at < 0) {
            return -1;
        }
        int i = at + key.length;
        for (int field = 0; field < 2; field++) {
            while (i < status.length && (status[i] == ' ' || status[i] == '\t')) {
                i++;
            }
            int v = 0;
            int digits = 0;
            for (; i < status.length && status[i] >= '0' && status[i] <= '9' && digits < 10; i++, digits++) {
                v = v * 10 + (status[i] - '0');
            }
            if (digits == 0) {
                return -1;
            }
            if (field == 1) {
                return v;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
