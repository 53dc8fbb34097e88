package dev.thaw.samples;

import dev.thaw.samples.java.MonitorLockOrdering;

import java.util.Map;
import java.util.TreeMap;

/**
 * Starts one deterministic Java hang scenario by name, prints {@code pid=<pid> scenario=<name>} on
 * stdout once the hang is set up, and then waits forever (the main thread sleeps; the hang is in the
 * scenario's threads). Each scenario has an answer key at {@code /scenarios/<name>.answer.json}.
 */
public final class Scenarios {

    private static final Map<String, Runnable> JAVA = new TreeMap<>(Map.of(
            "java-monitor-lock-ordering", MonitorLockOrdering::start));

    private Scenarios() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !JAVA.containsKey(args[0])) {
            System.err.println("usage: java -cp <jar> dev.thaw.samples.Scenarios <scenario>");
            System.err.println("scenarios: " + String.join(", ", JAVA.keySet()));
            System.exit(2);
        }
        JAVA.get(args[0]).run();
        Thread.sleep(300); // let the scenario's threads reach the hang (they need microseconds)
        System.out.println("pid=" + ProcessHandle.current().pid() + " scenario=" + args[0]);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
