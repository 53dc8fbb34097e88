package dev.thaw.session;

/**
 * Whether an injection may run, and how that was decided; recorded before anything reaches the target.
 *
 * @param injectionId the injection
 * @param approved    true when it may run
 * @param how         how it was decided: one of the {@code HOW_*} constants
 * @param policy      the approval policy in force ({@code auto}, {@code custom}, {@code always},
 *                    {@code deny-custom})
 * @param detail      one line for the postmortem (who answered, what the client said), or null
 * @param waitedMs    how long the person took to answer, or null when nobody was asked
 */
public record RecordedApproval(String injectionId, boolean approved, String how, String policy, String detail,
                               Long waitedMs) {

    /** {@code --approve auto}: nobody is asked. */
    public static final String HOW_AUTO = "auto_policy";
    /** {@code --approve custom} or {@code deny-custom}: vetted catalog entries run without asking. */
    public static final String HOW_CATALOG = "catalog_entry";
    /** {@code --approve deny-custom}: custom scripts never run. */
    public static final String HOW_DENIED_BY_POLICY = "denied_by_policy";
    public static final String HOW_USER_ACCEPTED = "user_accepted";
    /** Approved without asking: the user allowed custom scripts for this process for a while (the detail says until when). */
    public static final String HOW_USER_WINDOW = "user_allowed_window";
    public static final String HOW_USER_DECLINED = "user_declined";
    public static final String HOW_USER_CANCELLED = "user_cancelled";
    /** The client cannot ask anybody (no elicitation, no terminal): refused. */
    public static final String HOW_NO_WAY_TO_ASK = "no_way_to_ask";
    public static final String HOW_TIMED_OUT = "timed_out";
    public static final String HOW_ASK_FAILED = "ask_failed";
}
