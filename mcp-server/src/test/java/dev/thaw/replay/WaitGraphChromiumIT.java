package dev.thaw.replay;

import dev.thaw.testing.Chromium;
import dev.thaw.testing.ThawCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session with a snapshot of a monitor deadlock (the dev.thaw.snapshot model as the log records it),
 * rendered by the real CLI to HTML and loaded in headless Chromium: the wait-for graph is inline SVG,
 * the cycle's threads, locks and edges are marked, the bystander is not.
 */
class WaitGraphChromiumIT {

    @TempDir
    Path dir;

    @Test
    void theDeadlockCycleIsDrawnAndHighlighted() throws Exception {
        Path log = SessionFixtures.diagnosis(dir);
        Path html = dir.resolve("deadlock.html");
        ThawCli.Result r = ThawCli.run(dir, "replay", log.toString(), "--html", html.toString());
        assertThat(r.exit()).as(r.stderr()).isZero();

        String dom = Chromium.dumpDom(html);
        String svg = dom.substring(dom.indexOf("<svg"), dom.indexOf("</svg>"));
        assertThat(svg).contains("class=\"wait-for-graph\"");
        assertThat(count(svg, "class=\"node thread cycle\"")).isEqualTo(2);
        assertThat(count(svg, "class=\"node lock cycle\"")).isEqualTo(2);
        assertThat(count(svg, "class=\"node thread\"")).isEqualTo(1); // waiter-3, not in the cycle
        assertThat(count(svg, "class=\"edge waits cycle\"")).isEqualTo(2);
        assertThat(count(svg, "class=\"edge held cycle\"")).isEqualTo(2);
        assertThat(count(svg, "class=\"edge waits\"")).isEqualTo(1);
        assertThat(svg).contains("worker-1 #101", "worker-2 #102", "waiter-3 #103", "&lt;0x0a&gt; (a java.lang.Object)");
        assertThat(dom).contains("DEADLOCK: worker-1 #101 waits for");

        Path png = dir.resolve("deadlock.png");
        Chromium.screenshot(html, png);
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }

    private static int count(String s, String what) {
        return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }
}
