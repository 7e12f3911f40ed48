package dev.lucid.cli;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.StringWriter;
import java.util.List;

/** A gate's checks as CI systems show them: JUnit XML (one testcase per check) and a Markdown summary. */
final class GateReports {
    private GateReports() {
    }

    static long count(List<BudgetCheck> checks, BudgetCheck.Outcome o) {
        return checks.stream().filter(c -> c.outcome() == o).count();
    }

    /** JUnit XML: a testsuite {@code lucid gate}, a testcase per check named by it, classname {@code lucid.gate.MODEL}. */
    static String junit(String evaluationId, List<BudgetCheck> checks) {
        try {
            Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            Element suites = d.createElement("testsuites");
            d.appendChild(suites);
            Element suite = d.createElement("testsuite");
            suite.setAttribute("name", "lucid gate " + evaluationId);
            suite.setAttribute("tests", Integer.toString(checks.size()));
            suite.setAttribute("failures", Long.toString(count(checks, BudgetCheck.Outcome.FAIL)));
            suite.setAttribute("skipped", Long.toString(count(checks, BudgetCheck.Outcome.SKIP)));
            suite.setAttribute("errors", "0");
            suites.appendChild(suite);
            for (BudgetCheck c : checks) {
                Element tc = d.createElement("testcase");
                tc.setAttribute("classname", "lucid.gate." + c.model());
                tc.setAttribute("name", c.check());
                String text = c.check() + " = " + c.value() + (c.interval().isEmpty() ? "" : " " + c.interval()) + ", limit " + c.limit();
                if (c.outcome() == BudgetCheck.Outcome.FAIL) {
                    Element f = d.createElement("failure");
                    f.setAttribute("message", text);
                    f.setTextContent(c.line());
                    tc.appendChild(f);
                } else if (c.outcome() == BudgetCheck.Outcome.SKIP) {
                    Element s = d.createElement("skipped");
                    s.setAttribute("message", c.note());
                    tc.appendChild(s);
                } else {
                    Element out = d.createElement("system-out");
                    out.setTextContent(text);
                    tc.appendChild(out);
                }
                suite.appendChild(tc);
            }
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(d), new StreamResult(w));
            return w.toString();
        } catch (javax.xml.parsers.ParserConfigurationException | javax.xml.transform.TransformerException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Markdown summary: the outcome, then a table of every check. */
    static String markdown(String evaluationId, List<BudgetCheck> checks) {
        long failed = count(checks, BudgetCheck.Outcome.FAIL);
        StringBuilder b = new StringBuilder("# Release gate: ").append(failed == 0 ? "PASS" : "FAIL").append("\n\n")
                .append("Evaluation `").append(evaluationId).append("`: ").append(checks.size()).append(" checks, ")
                .append(count(checks, BudgetCheck.Outcome.PASS)).append(" passed, ").append(failed).append(" failed, ")
                .append(count(checks, BudgetCheck.Outcome.SKIP)).append(" skipped. Value [95% CI]; limits on the bound named.\n\n")
                .append("| model | check | value | 95% CI | limit | result | note |\n|---|---|---|---|---|---|---|\n");
        for (BudgetCheck c : checks) {
            b.append("| ").append(cell(c.model())).append(" | ").append(cell(c.check())).append(" | ").append(cell(c.value()))
                    .append(" | ").append(cell(c.interval())).append(" | ").append(cell(c.limit())).append(" | ")
                    .append(c.outcome() == BudgetCheck.Outcome.FAIL ? "**FAIL**" : c.outcome().name()).append(" | ")
                    .append(cell(c.note())).append(" |\n");
        }
        return b.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
