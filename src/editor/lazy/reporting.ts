// What only the report, diagnostics and Copy Summary commands need (the report builder, the environment it
// gathers, the diagnostics, the unknown-format issue and the history summary with their redaction), loaded on first use so
// the editor does not load it at start-up.
export { gatherEnvironment } from '../../core/report/environment';
export { buildBugReport } from '../../core/report/report';
export { buildFormatIssueUrl } from '../../core/report/formatIssue';
export { renderDoctorMarkdown, runDiagnostics } from '../../core/doctor';
export { copySummaryMarkdown } from '../../core/history/summary';
