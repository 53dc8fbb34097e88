package dev.thaw.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** uid to user name from /etc/passwd (ours, not the target's: names are for people reading our listing). */
public final class UserNames {

    private final Map<Integer, String> names = new HashMap<>();
    private final Map<String, Integer> uids = new HashMap<>();

    public UserNames() {
        this(Path.of("/etc/passwd"));
    }

    UserNames(Path passwd) {
        try {
            for (String line : Files.readAllLines(passwd)) {
                String[] f = line.split(":");
                if (f.length > 2) {
                    try {
                        int uid = Integer.parseInt(f[2]);
                        names.putIfAbsent(uid, f[0]);
                        uids.putIfAbsent(f[0], uid);
                    } catch (NumberFormatException ignored) {
                        // malformed line
                    }
                }
            }
        } catch (IOException ignored) {
            // no passwd: numeric uids only
        }
    }

    public String name(int uid) {
        return names.getOrDefault(uid, Integer.toString(uid));
    }

    /** A user given as a name or a numeric uid; null when unknown. */
    public Integer uid(String nameOrUid) {
        if (nameOrUid.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(nameOrUid);
        }
        return uids.get(nameOrUid);
    }
}
