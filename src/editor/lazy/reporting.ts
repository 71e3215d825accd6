// What only the report and diagnostics commands need (the report builder, the environment it
// gathers, the diagnostics, the unknown-format issue with its redaction), loaded on first use so
// the editor does not load it at start-up.
export { gatherEnvironment } from '../../core/report/environment';
export { buildBugReport } from '../../core/report/report';
export { buildFormatIssueUrl } from '../../core/report/formatIssue';
export { renderDoctorMarkdown, runDiagnostics } from '../../core/doctor';
