package dev.thaw.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cgroup mounts of recorded mountinfo files; each ProcFs reads its own. */
class CgroupMountsTest {

    /** Lines as this machine's /proc/self/mountinfo has them (cgroup v1), plus a v2 mount with an escaped space. */
    private static final String V1 = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            40 31 0:37 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
            """;
    private static final String V2 = """
            29 23 0:26 /kubepods /sys/fs/cgroup\\040v2 rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate
            """;

    @TempDir
    Path tmp;

    private ProcFs procWith(String name, String mountinfo) throws Exception {
        Path root = tmp.resolve(name);
        Files.createDirectories(root.resolve("self"));
        Files.writeString(root.resolve("self/mountinfo"), mountinfo);
        return new ProcFs(root);
    }

    @Test
    void freezerAndV2MountsWithTheirPlaceInTheHierarchy() throws Exception {
        List<CgroupMounts.Mount> v1 = procWith("a", V1).cgroupMounts().current();
        assertThat(v1).containsExactly(new CgroupMounts.Mount(Path.of("/sys/fs/cgroup/freezer"), "/", false, true));
        assertThat(v1.get(0).dirOf("/docker/abc")).isEqualTo(Path.of("/sys/fs/cgroup/freezer/docker/abc"));

        List<CgroupMounts.Mount> v2 = procWith("b", V2).cgroupMounts().current();
        assertThat(v2).containsExactly(new CgroupMounts.Mount(Path.of("/sys/fs/cgroup v2"), "/kubepods", true, false));
        assertThat(v2.get(0).dirOf("/kubepods/pod1")).isEqualTo(Path.of("/sys/fs/cgroup v2/pod1"));
        assertThat(v2.get(0).dirOf("/system.slice")).as("outside the mounted part").isNull();
        assertThat(v2.get(0).dirOf("/kubepods/../etc")).isNull();
    }

    @Test
    void eachProcFsKeepsItsOwnMountsAndTheyAreReadOncePerInterval() throws Exception {
        ProcFs a = procWith("a", V1);
        ProcFs b = procWith("b", V2);
        assertThat(a.cgroupMounts().current()).allMatch(m -> !m.v2());
        assertThat(b.cgroupMounts().current()).allMatch(CgroupMounts.Mount::v2);

        // within the interval the list read first stands, even though the file changed
        Files.writeString(a.root().resolve("self/mountinfo"), V2);
        assertThat(a.cgroupMounts().current()).allMatch(m -> !m.v2());
    }
}
