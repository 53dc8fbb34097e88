package dev.thaw.samples;

/**
 * Starts one deterministic hang scenario by name and prints its pid. The scenarios and their answer
 * keys arrive with the scenario issue; until then this lists what exists.
 */
public final class Scenarios {

    private Scenarios() {
    }

    public static void main(String[] args) {
        System.err.println("usage: Scenarios <scenario>  (no scenarios are built yet)");
        System.exit(2);
    }
}
