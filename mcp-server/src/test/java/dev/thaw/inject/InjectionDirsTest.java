package dev.thaw.inject;

import dev.thaw.Json;
import dev.thaw.proc.ProcFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a crashed thaw left behind is removed at start; what live thaw processes own is not. */
class InjectionDirsTest {

    @TempDir
    Path journal;
    @TempDir
    Path chrootTmp;

    @Test
    void sweepRemovesDirectoriesOfDeadOwnersOnly() throws Exception {
        ProcFs proc = ProcFs.system();
        InjectionDirs dirs = new InjectionDirs(proc, journal);
        long initTicks = proc.stat(1).startTimeTicks();
        Path dead = staleDir(chrootTmp, "thaw-inj-999999999.12345-inj7-abcd", "999999999.12345");
        Files.writeString(dead.resolve("status.json"), "{}");
        Files.createSymbolicLink(dead.resolve("link"), Path.of("/etc/hostname"));
        Path staging = staleDir(chrootTmp, ".thaw-new-999999999.12345-inj8-abcd", "999999999.12345");
        Path mine = staleDir(chrootTmp, "thaw-inj-" + dirs.owner() + "-inj1-aaaa", dirs.owner());
        Path otherLive = staleDir(chrootTmp, "thaw-inj-1." + initTicks + "-inj1-bbbb", "1." + initTicks);
        Path reusedPid = staleDir(chrootTmp, "thaw-inj-1." + (initTicks + 1) + "-inj1-cccc", "1." + (initTicks + 1));
        Path unrelated = Files.createDirectory(chrootTmp.resolve("thaw-inj-notours"));
        // Never picked up, its target alive (this JVM stands in for it): a thread may still be armed
        // with its path. Picked up (claim taken): removable.
        String me = ProcessHandle.current().pid() + "@" + proc.stat((int) ProcessHandle.current().pid()).startTimeTicks();
        Path armed = staleDir(chrootTmp, "thaw-inj-999999999.12345-inj13-hhhh", "999999999.12345 " + me);
        Path claimed = staleDir(chrootTmp, "thaw-inj-999999999.12345-inj14-iiii", "999999999.12345 " + me);
        Files.writeString(claimed.resolve("claim"), "");
        Path deadTarget = staleDir(chrootTmp, "thaw-inj-999999999.12345-inj15-jjjj", "999999999.12345 999999999@1");
        // Not provably thaw's: no marker, a marker naming another owner, a directory others may enter.
        Path unmarked = Files.createDirectory(chrootTmp.resolve("thaw-inj-999999999.12345-inj9-dddd"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path wrongMark = staleDir(chrootTmp, "thaw-inj-999999999.12345-inj10-eeee", "999999999.54321");
        Path open = staleDir(chrootTmp, "thaw-inj-999999999.12345-inj11-ffff", "999999999.12345");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        // A subdirectory is never entered (whoever owns the directory could swap it for a FIFO or a link).
        Path withSub = staleDir(chrootTmp, "thaw-inj-999999999.12345-inj12-gggg", "999999999.12345");
        Files.writeString(Files.createDirectory(withSub.resolve("sub")).resolve("kept"), "x");
        // A crashed thaw's journal names the temporary directory (a chroot's /tmp as seen from here).
        Files.writeString(journal.resolve("999999999.12345.json"),
                Json.write(Map.of("owner", "999999999.12345", "tempDirs", List.of(chrootTmp.toString()))));

        int removed = dirs.sweepStale();

        assertThat(removed).isGreaterThanOrEqualTo(2);
        assertThat(dead).doesNotExist();
        assertThat(reusedPid).as("pid 1 alive, but started at another time: its owner is gone").doesNotExist();
        assertThat(mine).exists();
        assertThat(otherLive).exists();
        assertThat(unrelated).exists();
        assertThat(armed).as("unclaimed, target alive").exists();
        assertThat(claimed).doesNotExist();
        assertThat(deadTarget).doesNotExist();
        assertThat(staging).as("a crashed thaw's directory still being set up").doesNotExist();
        assertThat(unmarked).as("no marker: not provably thaw's").exists();
        assertThat(wrongMark).as("the marker names another owner").exists();
        assertThat(open).as("not 0700").exists();
        assertThat(withSub.resolve("sub/kept")).exists();
        assertThat(withSub.resolve(".thaw")).as("its own files are removed").doesNotExist();
        assertThat(Path.of("/etc/hostname")).as("links are removed, never followed").exists();
        assertThat(journal.resolve("999999999.12345.json")).doesNotExist();
        dirs.close();
    }

    /** A directory as thaw makes it: 0700, with the marker naming its owner. */
    static Path staleDir(Path tmp, String name, String owner) throws java.io.IOException {
        Path d = Files.createDirectory(tmp.resolve(name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(d.resolve(".thaw"), owner);
        return d;
    }

    /** Which mount holds a path, as /proc/PID/mountinfo lists them (mount points relative to the process's root). */
    /** A cgroup v2 tree as /sys/fs/cgroup shows it (recorded layout: memory.max, memory.current). */
    @Test
    void aMemoryCgroupCloseToItsLimitKeepsDevShmForItself(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path procRoot = Files.createDirectories(tmp.resolve("proc/4242"));
        Files.writeString(procRoot.resolve("cgroup"), "0::/system.slice/app.scope\n");
        Path top = tmp.resolve("cgroup");
        Path leaf = Files.createDirectories(top.resolve("system.slice/app.scope"));
        Files.writeString(top.resolve("system.slice/memory.max"), "max\n");
        Files.writeString(top.resolve("system.slice/memory.current"), "900000000\n");
        ProcFs proc = new ProcFs(tmp.resolve("proc"));
        long cap = 4L << 20;
        Files.writeString(leaf.resolve("memory.max"), "max\n");
        Files.writeString(leaf.resolve("memory.current"), "500000000\n");
        assertThat(InjectionDirs.cgroupHasRoom(proc, 4242, cap, top)).as("no limit").isTrue();
        Files.writeString(leaf.resolve("memory.max"), "100000000\n");
        Files.writeString(leaf.resolve("memory.current"), "90000000\n"); // 10 MB left < 4 x 4 MiB
        assertThat(InjectionDirs.cgroupHasRoom(proc, 4242, cap, top)).as("10 MB left").isFalse();
        Files.writeString(leaf.resolve("memory.current"), "20000000\n"); // 80 MB left
        assertThat(InjectionDirs.cgroupHasRoom(proc, 4242, cap, top)).as("80 MB left").isTrue();
        Files.writeString(top.resolve("system.slice/memory.max"), "910000000\n"); // the parent is the tight one
        assertThat(InjectionDirs.cgroupHasRoom(proc, 4242, cap, top)).as("parent has 10 MB left").isFalse();
        Files.writeString(procRoot.resolve("cgroup"), "4:memory:/x\n"); // cgroup v1 only: no v2 limit to read
        assertThat(InjectionDirs.cgroupHasRoom(proc, 4242, cap, top)).isTrue();
    }
}
