package dev.thaw.process;

/**
 * Which container a process runs in, as far as the host can tell: the container engine and id from
 * the process's cgroup path, the name from the engine's own records when thaw can read them (Docker's
 * {@code /var/lib/docker/containers/ID/config.v2.json}, root-owned), and for Kubernetes the pod.
 *
 * @param engine       {@code docker}, {@code containerd}, {@code cri-o}, {@code podman} or {@code kubernetes}
 * @param id           the full container id (64 hex digits)
 * @param name         the container's name ({@code docker ps} NAMES), or null when unknown
 * @param pod          Kubernetes: the pod's name, or null
 * @param podNamespace Kubernetes: the pod's namespace, or null when unknown
 */
public record ContainerRef(String engine, String id, String name, String pod, String podNamespace) {

    /** The id as {@code docker ps} prints it. */
    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    public String summary() {
        StringBuilder sb = new StringBuilder(engine).append(" container ");
        if (name != null) {
            sb.append(name).append(" (").append(shortId()).append(')');
        } else {
            sb.append(shortId());
        }
        if (pod != null) {
            sb.append(", pod ").append(podNamespace == null ? "" : podNamespace + "/").append(pod);
        }
        return sb.toString();
    }

    ContainerRef withName(String n) {
        return new ContainerRef(engine, id, n, pod, podNamespace);
    }

    ContainerRef withPod(String p, String ns) {
        return new ContainerRef(engine, id, name, p, ns);
    }
}
