package dev.thaw.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * {@code thaw image}: listed here so that {@code thaw --help} tells the truth, but carried out by the
 * {@code ./thaw} launcher of a checkout (scripts/build-thaw-image.sh), which has the jar, the JDK's
 * jlink and Docker at hand. Reaching this class means thaw was started from the jar directly.
 */
@Command(name = "image",
        description = {"Build the local Docker image thaw:latest (and thaw:VERSION): thaw with a jlinked Java runtime, "
                + "about 110 MB, `thaw` its entry point. For sidecars (docker run -i --pid=container:TARGET "
                + "--cap-add SYS_PTRACE thaw:latest serve) and Kubernetes debug containers; see docs/containers.md. "
                + "Run it through the ./thaw launcher of a checkout."},
        mixinStandardHelpOptions = true)
public final class ImageCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("thaw image is carried out by the ./thaw launcher of a checkout (it needs the image script, "
                + "a JDK with jlink and Docker): run ./thaw image there.");
        return 64;
    }
}
