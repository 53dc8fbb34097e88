package dev.thaw.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A path of a target's own file system, as a host path under {@code /proc/PID/root} with every
 * symbolic link resolved by thaw against the target's root. The kernel would resolve an absolute link
 * met under {@code /proc/PID/root} against thaw's root, the host's, so a link planted by the target
 * could otherwise make root thaw read any host file. Each component is looked at without following
 * links; a component swapped for a link after this look is a window the caller's no-follow open of
 * the last component narrows but does not close.
 */
public final class TargetPaths {

    private static final int MAX_LINKS = 40;

    private TargetPaths() {
    }

    /** The host path of {@code file} inside pid's root, links resolved; null when a component does not exist. */
    public static Path resolve(ProcFs procFs, int pid, String file) throws IOException {
        Path root = procFs.targetRoot(pid);
        Deque<String> todo = new ArrayDeque<>();
        push(todo, file);
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            Path p = join(root, done).resolve(c);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            if (Files.isSymbolicLink(p)) {
                if (++links > MAX_LINKS) {
                    throw new IOException("too many symbolic links");
                }
                String target = Files.readSymbolicLink(p).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                push(todo, target);
                continue;
            }
            done.add(c);
        }
        return join(root, done);
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }
}
