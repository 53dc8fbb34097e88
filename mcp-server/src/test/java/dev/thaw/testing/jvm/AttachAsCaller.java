package dev.thaw.testing.jvm;

import dev.thaw.ThawException;
import dev.thaw.jvm.attach.AttachClients;
import dev.thaw.proc.ProcFs;

/**
 * Runs one attach from a separate process, so a test can run the client as another user
 * (setpriv). Prints {@code OK <first line of VM.version>} or {@code REFUSED <code> <message>}.
 */
public final class AttachAsCaller {

    private AttachAsCaller() {
    }

    @SuppressWarnings("java:S106") // talks to its test through stdout
    public static void main(String[] args) {
        try {
            String v = new AttachClients(ProcFs.system()).to(Integer.parseInt(args[0])).vmVersion();
            System.out.println("OK " + v.lines().findFirst().orElse(""));
        } catch (ThawException e) {
            System.out.println("REFUSED " + e.wire() + " " + e.getMessage() + " FIX " + e.fix());
        }
    }
}
