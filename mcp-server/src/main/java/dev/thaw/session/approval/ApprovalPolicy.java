package dev.thaw.session.approval;

import dev.thaw.ErrorCode;
import dev.thaw.ThawException;
import dev.thaw.session.RecordedInjectionRequest;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Who must agree before code runs inside a target ({@code thaw serve --approve POLICY}). Whatever the
 * policy, the script, its hash and the decision are recorded before anything runs.
 */
public enum ApprovalPolicy {

    /** Nobody is asked: autonomous mode. */
    AUTO("auto", "nobody is asked (autonomous mode); every injection is still recorded"),
    /** Catalog entries run; anything else needs a person's confirmation. The default. */
    CUSTOM("custom", "catalog diagnostics run without asking; any other script needs the user's confirmation"),
    /** Every injection needs a person's confirmation, catalog entries included. */
    ALWAYS("always", "every injection needs the user's confirmation, catalog diagnostics included"),
    /** Catalog entries only; custom scripts are refused. */
    DENY_CUSTOM("deny-custom", "only catalog diagnostics run; custom scripts are refused");

    /** What the policy requires for one request. */
    public enum Requirement { RUN, ASK, REFUSE }

    private final String cliName;
    private final String meaning;

    ApprovalPolicy(String cliName, String meaning) {
        this.cliName = cliName;
        this.meaning = meaning;
    }

    /** The spelling on the command line and in the log: {@code auto}, {@code custom}, ... */
    public String cliName() {
        return cliName;
    }

    /** One sentence for refusals and the confirmation prompt. */
    public String meaning() {
        return meaning;
    }

    public Requirement requirement(RecordedInjectionRequest request) {
        boolean catalog = request.isCatalogEntry();
        return switch (this) {
            case AUTO -> Requirement.RUN;
            case CUSTOM -> catalog ? Requirement.RUN : Requirement.ASK;
            case ALWAYS -> Requirement.ASK;
            case DENY_CUSTOM -> catalog ? Requirement.RUN : Requirement.REFUSE;
        };
    }

    public static ApprovalPolicy parse(String text) {
        for (ApprovalPolicy p : values()) {
            if (p.cliName.equalsIgnoreCase(text == null ? "" : text.trim())) {
                return p;
            }
        }
        throw new ThawException(ErrorCode.INVALID_ARGUMENT, "Unknown approval policy '" + text + "'.",
                "Use one of: " + names() + ".");
    }

    public static String names() {
        return Arrays.stream(values()).map(ApprovalPolicy::cliName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
