package dev.thaw.findings;

import dev.thaw.snapshot.Finding;

import java.util.List;

/**
 * One general rule for a class of hangs: reads the facts of a snapshot (and the kernel's view of the
 * processes around it) and concludes, or says nothing. A rule fires only on evidence; when a fact it
 * would need is missing it lowers its confidence and names the fact in {@link Finding#unchecked()}.
 */
public interface FindingRule {

    /** The findings this rule draws, most important first; empty when it does not apply. */
    List<Finding> apply(Facts facts);
}
