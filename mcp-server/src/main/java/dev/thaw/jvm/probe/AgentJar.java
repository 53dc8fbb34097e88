package dev.thaw.jvm.probe;

import dev.thaw.StateDirs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * injector-agent's jar, embedded in thaw.jar as {@value #RESOURCE} (see mcp-server/pom.xml). Its
 * bytes are copied into each target that needs the agent; a copy in thaw's state directory puts
 * {@code dev.thaw.agent.Probe} on the compiler's class path.
 */
public final class AgentJar {

    static final String RESOURCE = "/dev/thaw/jvm/probe/thaw-agent.jar";

    private static volatile byte[] bytes;
    private static volatile Path serverCopy;

    private AgentJar() {
    }

    public static byte[] bytes() {
        byte[] b = bytes;
        if (b == null) {
            try (InputStream in = AgentJar.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from thaw's class path (build with"
                            + " Maven: mcp-server embeds injector-agent's jar)");
                }
                b = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bytes = b;
        }
        return b;
    }

    /** Hex SHA-256 of the jar: identifies the agent build. */
    public static String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The jar as a file for the compiler's class path: {@code $XDG_STATE_HOME/thaw/agent/thaw-agent-<sha>.jar}
     * (private to this user, named after its content so servers of different builds never mix them
     * up), written once. Not in /tmp: that is where targets look, and thaw leaves nothing there.
     */
    static synchronized Path serverCopy() {
        if (serverCopy == null) {
            try {
                Path dir = StateDirs.ensurePrivate(StateDirs.base().resolve("agent"));
                Path p = dir.resolve("thaw-agent-" + sha256().substring(0, 16) + ".jar");
                if (!Files.isRegularFile(p) || Files.size(p) != bytes().length) {
                    Path tmp = Files.createTempFile(dir, "thaw-agent-", ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.write(tmp, bytes(), StandardOpenOption.TRUNCATE_EXISTING);
                    Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                serverCopy = p;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return serverCopy;
    }
}
