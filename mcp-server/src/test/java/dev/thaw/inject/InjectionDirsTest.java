package dev.thaw.inject;

import dev.thaw.Json;
import dev.thaw.proc.ProcFs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
        Path dead = Files.createDirectory(chrootTmp.resolve("thaw-inj-999999999.12345-inj7-abcd"));
        Files.writeString(dead.resolve("status.json"), "{}");
        Files.createSymbolicLink(dead.resolve("link"), Path.of("/etc/hostname"));
        Path mine = Files.createDirectory(chrootTmp.resolve("thaw-inj-" + dirs.owner() + "-inj1-aaaa"));
        Path otherLive = Files.createDirectory(chrootTmp.resolve("thaw-inj-1." + initTicks + "-inj1-bbbb"));
        Path reusedPid = Files.createDirectory(chrootTmp.resolve("thaw-inj-1." + (initTicks + 1) + "-inj1-cccc"));
        Path unrelated = Files.createDirectory(chrootTmp.resolve("thaw-inj-notours"));
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
        assertThat(Path.of("/etc/hostname")).as("links are removed, never followed").exists();
        assertThat(journal.resolve("999999999.12345.json")).doesNotExist();
        dirs.close();
    }
}
