package dev.lucid.report;

import dev.lucid.api.v1.Report;
import dev.lucid.api.v1.ReportFormat;

import java.util.Objects;

/** The one entry point: renders a {@link Report} as versioned JSON, terminal Markdown or a self-contained HTML page. */
public final class ReportRenderer {
    private ReportRenderer() {
    }

    /** Renders the report in the format asked; UNSPECIFIED (and unknown values) mean JSON. */
    public static String render(Report report, ReportFormat format) {
        Objects.requireNonNull(report, "report");
        ReportLimits.check(report);
        return switch (format == null ? ReportFormat.REPORT_FORMAT_UNSPECIFIED : format) {
            case REPORT_FORMAT_MARKDOWN -> MarkdownReport.render(report);
            case REPORT_FORMAT_HTML -> HtmlReport.render(report);
            default -> ReportJson.print(report);
        };
    }

    /**
     * The report as the coordinator returns it: schema_version set, {@code json} always filled and
     * {@code rendered} filled for MARKDOWN and HTML (empty otherwise).
     */
    public static Report complete(Report report, ReportFormat format) {
        Objects.requireNonNull(report, "report");
        Report versioned = ReportJson.versioned(report);
        String rendered = switch (format == null ? ReportFormat.REPORT_FORMAT_UNSPECIFIED : format) {
            case REPORT_FORMAT_MARKDOWN, REPORT_FORMAT_HTML -> render(versioned, format);
            default -> "";
        };
        return versioned.toBuilder().setJson(render(versioned, ReportFormat.REPORT_FORMAT_JSON)).setRendered(rendered).build();
    }
}
