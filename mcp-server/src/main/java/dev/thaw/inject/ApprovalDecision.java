package dev.thaw.inject;

/**
 * The answer of an {@link ApprovalGate}.
 *
 * @param approved whether the injection may be delivered
 * @param by       who or what decided: {@code policy:auto}, {@code user}, ...
 * @param reason   a sentence for the log and, when refused, for the caller
 */
public record ApprovalDecision(boolean approved, String by, String reason) {

    public static ApprovalDecision approve(String by) {
        return new ApprovalDecision(true, by, null);
    }

    public static ApprovalDecision deny(String by, String reason) {
        return new ApprovalDecision(false, by, reason);
    }
}
