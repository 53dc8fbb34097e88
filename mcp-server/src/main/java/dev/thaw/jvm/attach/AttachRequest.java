package dev.thaw.jvm.attach;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes of one attach request (HotSpot {@code attachListener.cpp}; JDK client
 * {@code HotSpotVirtualMachine.writeCommand}).
 *
 * <pre>
 * v1: "1" \0 op \0 arg0 \0 arg1 \0 arg2 \0          exactly 3 args, each at most 1024 bytes
 * v2: "2" \0 size \0 op[ options] \0 (arg \0)*      size = bytes after the size field, at most 256 KiB
 * </pre>
 *
 * Limits are checked here because the JVM answers an oversized request by closing the
 * connection without a word (and JDK 25 logs an error on the target's stdout).
 */
final class AttachRequest {

    static final int V1_MAX_OP = 16;
    static final int V1_MAX_ARG = 1024;
    static final int V2_MAX_SIZE = 256 * 1024;

    private AttachRequest() {
    }

    static byte[] v1(String op, List<String> args) {
        if (args.size() > 3) {
            throw new ThawException(ErrorCode.ATTACH_BAD_REQUEST, "Attach operation " + op + " has " + args.size()
                    + " arguments; this JVM speaks attach protocol v1, which carries at most 3.",
                    "Use jcmd with a single command line, or a JDK 24+ target.");
        }
        byte[] opBytes = utf8(op);
        if (opBytes.length > V1_MAX_OP) {
            throw new ThawException(ErrorCode.ATTACH_BAD_REQUEST, "Attach operation name '" + op
                    + "' is longer than 16 bytes; HotSpot knows no such operation.",
                    "Use one of HotSpot's operations (jcmd, threaddump, properties, load, ...).");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, utf8("1"));
        field(out, opBytes);
        for (int i = 0; i < 3; i++) {
            byte[] a = i < args.size() && args.get(i) != null ? utf8(args.get(i)) : new byte[0];
            if (a.length > V1_MAX_ARG) {
                throw new ThawException(ErrorCode.ATTACH_ARGUMENT_TOO_LONG,
                        "The attach argument is " + a.length + " bytes; this JVM speaks attach protocol v1, which"
                                + " allows at most " + V1_MAX_ARG + " bytes per argument.",
                        "Shorten the command (JDK 24+ targets accept up to 256 KiB); pass data through a file"
                                + " instead of the command line.");
            }
            field(out, a);
        }
        return out.toByteArray();
    }

    /**
     * @param options e.g. {@code streaming=0}, appended to the op name after a space; may be empty
     */
    static byte[] v2(String op, String options, List<String> args) {
        String head = options == null || options.isEmpty() ? op : op + " " + options;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, utf8(head));
        for (String a : args) {
            field(body, a == null ? new byte[0] : utf8(a));
        }
        if (body.size() > V2_MAX_SIZE) {
            throw new ThawException(ErrorCode.ATTACH_ARGUMENT_TOO_LONG,
                    "The attach request is " + body.size() + " bytes; the JVM accepts at most " + V2_MAX_SIZE + ".",
                    "Shorten the command; pass data through a file instead of the command line.");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, utf8("2"));
        field(out, utf8(Integer.toString(body.size())));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(bytes);
        out.write(0);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
