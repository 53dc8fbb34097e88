package dev.thaw.proc;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** mountinfo lines (recorded from real systems, and this process's own) read into mounts. */
class MountInfoTest {

    private static final String INFO = String.join("\n",
            "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
            "43 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334432k,mode=755",
            "44 43 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683656k",
            "45 44 0:27 / /dev/shm rw,relatime shared:7 master:3 - tmpfs tmpfs rw,size=64k",
            "46 43 0:24 / /dev/pts rw,relatime - devpts devpts rw,mode=600",
            "47 27 0:30 / /dev/shm\\040x rw - ext4 /dev/vdb rw");

    private static MountInfo.Mount at(String info, String path) {
        return MountInfo.holding(MountInfo.parse(info), path);
    }

    @Test
    void theMountHoldingAPathIsTheLongestPointAboveItAndTheLastOneStackedThere() throws Exception {
        assertThat(at(INFO, "/dev/shm").superOptions()).as("the one stacked last").contains("size=64k");
        assertThat(at(INFO, "/dev/shm").fsType()).isEqualTo("tmpfs");
        assertThat(at(INFO, "/dev/shm x").mountPoint()).as("an escaped space").isEqualTo("/dev/shm x");
        assertThat(at(INFO, "/dev/shm x").fsType()).isEqualTo("ext4");
        assertThat(at(INFO, "/dev/null").mountPoint()).isEqualTo("/dev");
        assertThat(at(INFO, "/tmp").fsType()).isEqualTo("ext4");
        assertThat(at(INFO, "/dev/shm").readOnly()).isFalse();
        assertThat(at(INFO + "\n48 44 0:31 / /dev/shm ro,relatime - tmpfs tmpfs rw", "/dev/shm").readOnly())
                .as("mounted read-only on top").isTrue();
        assertThat(at(INFO + "\n48 44 0:31 / /dev/shm rw - tmpfs tmpfs ro,size=1k", "/dev/shm").readOnly())
                .as("a read-only super block").isTrue();
        assertThat(at("", "/dev/shm")).isNull();
        // This process's own view parses too.
        assertThat(at(Files.readString(Path.of("/proc/self/mountinfo")), "/proc").fsType()).isEqualTo("proc");
    }

    @Test
    void cgroupMountsShowTheirRootAndControllers() {
        List<MountInfo.Mount> m = MountInfo.parse(String.join("\n",
                "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate",
                "31 24 0:27 /docker/abc /sys/fs/cgroup/freezer rw,nosuid - cgroup cgroup rw,freezer",
                "not a mountinfo line",
                "32 24 0:28 / /mnt\\134odd rw - tmpfs"));
        assertThat(m).hasSize(3);
        assertThat(m.get(0).fsType()).isEqualTo("cgroup2");
        assertThat(m.get(0).root()).isEqualTo("/");
        assertThat(m.get(1).root()).isEqualTo("/docker/abc");
        assertThat(m.get(1).superOptions()).contains("freezer");
        assertThat(m.get(2).mountPoint()).as("an escaped backslash").isEqualTo("/mnt\\odd");
        assertThat(m.get(2).superOptions()).as("a line without source or options").isEmpty();
    }
}
