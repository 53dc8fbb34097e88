package dev.thaw.catalog;

import dev.thaw.inject.Verdict;
import dev.thaw.inject.Verdicts;
import dev.thaw.testing.TestPythons;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe kit: how a script gets it (one line, line numbers kept), and its functions run by a real
 * python3.14 against real objects (kit-objects.py builds them: threads, locks, queues, a Popen, a socket,
 * a file, a failed task kept in a list; and values whose __repr__ / __getattr__ / __eq__ raise).
 */
class PythonKitTest {

    @Test
    void theKitLineTakesTheFirstCommentLineSoLineNumbersStay() {
        PythonKit kit = PythonKit.system();
        assertThat(kit.version()).isEqualTo("1");
        assertThat(kit.sha256()).hasSize(64);
        String script = "# thaw-diagnostic\nx = thaw_kit.describe(1)\n";
        String runs = kit.assemble(script);
        assertThat(runs.lines().count()).isEqualTo(2);
        assertThat(runs.lines().findFirst().orElseThrow()).contains("# thaw_kit 1 sha256:" + kit.sha256())
                .contains(PythonKit.RESOURCE).endsWith("| # thaw-diagnostic");
        assertThat(runs).endsWith("\nx = thaw_kit.describe(1)\n");
        assertThat(kit.assemble("print(1)\n")).as("a script that does not name the kit").isEqualTo("print(1)\n");
        assertThat(kit.assemble("thaw_kit.threads()\n").lines().count()).as("a first line of code moves to line 2").isEqualTo(2);
        assertThat(kit.assemble(runs)).as("assembled once").isEqualTo(runs);
        assertThat(PythonKit.fold(runs)).isEqualTo("# thaw_kit 1 sha256:" + kit.sha256() + " = " + PythonKit.RESOURCE
                + " | # thaw-diagnostic\nx = thaw_kit.describe(1)\n");
        assertThat(PythonKit.fold("print(1)\n")).isEqualTo("print(1)\n");
    }

    @Test
    void everyPythonCatalogEntryRunsWithTheKitAndReportsVerdicts() {
        for (CatalogEntry e : Catalog.system().entries(CatalogEntry.CPYTHON)) {
            String runs = ScriptSource.diagnostic(Catalog.system(), e.id(), java.util.Map.of(), null).code();
            assertThat(runs).as(e.id()).startsWith("thaw_kit = type(");
            assertThat(e.source()).as(e.id() + " ends with verdicts").contains("thaw_kit.report(out");
        }
        assertThat(Catalog.system().find("py.thaw_kit")).as("the kit is no entry").isEmpty();
    }

    @Test
    void kitFunctionsAnswerOnRealObjectsAndNeverRaise() throws Exception {
        String program = new String(resource("kit/kit-objects.py"), StandardCharsets.UTF_8);
        String out = runPython("3.14", PythonKit.system().assemble(program));
        assertThat(out)
                .contains("threading.Condition `__main__.cond` (1 waiter(s), its lock unlocked)")
                .contains("threading.Event `__main__.ev` (not set")
                .contains("queue.Queue `__main__.q` (2 item(s), unfinished_tasks=3, maxsize 0")
                .contains("threading.Semaphore `__main__.sem` (value=0")
                .contains("_thread.lock `__main__.lk` (locked)")
                .contains("threading.Thread `__main__.waiter_thread` 'cond-waiter' (alive")
                .contains("'quick' (finished")
                .contains("subprocess.Popen `__main__.child` pid ")
                .contains("pipes: stdout fd")
                .contains("socket.socket `__main__.sock` fd")
                .contains("_io.TextIOWrapper `__main__.fh` '/etc/hostname' (mode r, open")
                .contains("asyncio.queues.Queue `__main__.aq` (1 item(s), unfinished tasks=1")
                .contains("'boom-task' (finished with KeyError: KeyError('lost') (never retrieved))")
                .contains("<Loud instance at 0x").contains("Sly at 0x")
                .contains("waiting_on cond-waiter: condition `__main__.cond` from cond_waiter")
                .contains("referrers task: global __main__.kept")
                .contains("live_users cond: []")
                .contains("in_loop: False")
                .contains("entering_with here: None")
                .contains("line_objects here: ['print', 'thaw_kit', 'sys._getframe']")
                .contains("raised at boom (")
                .contains("tasks: 1, threads named: cond-waiter");
        assertThat(out).doesNotContain("Traceback");
        List<Verdict> v = Verdicts.parse(out.getBytes(StandardCharsets.UTF_8));
        assertThat(v).extracting(Verdict::kind).containsExactly("lost-wakeup", "unretrieved-exception");
        assertThat(v.get(1).evidence()).anySatisfy(e -> assertThat(e).contains("__main__.kept"));
    }

    static String runPython(String version, String code) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(TestPythons.require(version).toString(), "-c", code).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = PythonKitTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
