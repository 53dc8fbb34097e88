package dev.thaw.proc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Cgroup paths as each engine writes them (recorded from real hosts: Docker here, the rest from their docs' examples). */
class CgroupContainersTest {

    private static final String ID = "80563e3c0334d468e3e39b2ccb1dd6ae242615fd81487c7f27c1e823feae257b";

    @Test
    void dockerOnCgroupV1WithTheCgroupfsDriver() {
        String text = "12:cpuset:/docker/" + ID + "\n9:name=systemd:/docker/" + ID + "\n0::/system.slice/containerd.service\n";
        assertThat(CgroupContainers.parse(text)).contains(new CgroupContainers.Parsed("docker", ID, null));
    }

    @Test
    void dockerOnCgroupV2WithTheSystemdDriver() {
        assertThat(CgroupContainers.parse("0::/system.slice/docker-" + ID + ".scope\n"))
                .contains(new CgroupContainers.Parsed("docker", ID, null));
    }

    @Test
    void kubernetesPodsNameTheirPod() {
        String v2 = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1c0ed6a2_5c1f_4e8b_9f4e_0d0b7c1f1a2b.slice/cri-containerd-"
                + ID + ".scope\n";
        assertThat(CgroupContainers.parse(v2)).contains(
                new CgroupContainers.Parsed("kubernetes", ID, "1c0ed6a2-5c1f-4e8b-9f4e-0d0b7c1f1a2b"));
        String v1 = "4:memory:/kubepods/besteffort/pod1c0ed6a2-5c1f-4e8b-9f4e-0d0b7c1f1a2b/" + ID + "\n";
        assertThat(CgroupContainers.parse(v1)).contains(
                new CgroupContainers.Parsed("kubernetes", ID, "1c0ed6a2-5c1f-4e8b-9f4e-0d0b7c1f1a2b"));
    }

    @Test
    void podmanAndCriO() {
        assertThat(CgroupContainers.parse("0::/machine.slice/libpod-" + ID + ".scope/container\n"))
                .map(CgroupContainers.Parsed::engine).contains("podman");
        assertThat(CgroupContainers.parse("0::/system.slice/crio-" + ID + ".scope\n"))
                .map(CgroupContainers.Parsed::engine).contains("cri-o");
    }

    @Test
    void aHostProcessIsInNoContainer() {
        assertThat(CgroupContainers.parse("0::/user.slice/user-0.slice/session-1.scope\n")).isEmpty();
        assertThat(CgroupContainers.parse("12:cpuset:/\n9:name=systemd:/init.scope\n")).isEmpty();
        assertThat(CgroupContainers.parse("")).isEmpty();
        // 64 hex digits inside a longer name are not an id.
        assertThat(CgroupContainers.parse("0::/x" + ID + "y\n")).isEmpty();
    }
}
